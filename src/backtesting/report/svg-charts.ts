/**
 * Inline SVG charts of the tearsheet, drawn server-side: no script, no external resource, and
 * the same input gives the same bytes. Every chart is a viewBox 1000 units wide that the page
 * scales to its column (responsive); coordinates are rounded to 0.1 unit, finer than a pixel.
 * All text that reaches here from the input is escaped by the caller or here with escapeHtml.
 */
import { decimalsForStep, formatNumber, formatPercent, MONTH_NAMES, niceTicks, timeTicks } from './chart-scales';
import { escapeHtml } from './html-escape';
import { minMaxDecimate } from './min-max-decimation';
import { type MonthlyReturnsTable } from './monthly-returns';
import { type TradeHistogram } from './trade-histogram';

export const CHART_WIDTH = 1000;
const MARGIN = { left: 64, right: 20, top: 12, bottom: 30 };
const PLOT_WIDTH = CHART_WIDTH - MARGIN.left - MARGIN.right;
/** Points kept per pixel column by the decimation (its min and its max). */
export const LINE_COLUMNS = PLOT_WIDTH;

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export interface LineSeries {
  readonly name: string;
  readonly values: Float64Array;
  readonly color: string;
  /** 'area' fills between the line and y = 0 (the underwater chart). */
  readonly kind: 'line' | 'area';
  readonly dashed?: boolean;
}

export interface LineChartOptions {
  /** data-chart attribute: what the browser test and CSS find the chart by. */
  readonly id: string;
  readonly title: string;
  readonly height: number;
  readonly timestamps: Float64Array;
  readonly series: readonly LineSeries[];
  readonly yAxis: 'percent' | 'number';
  readonly yLabel: string;
  /** Horizontal dashed reference lines, e.g. the full-period Sharpe. */
  readonly references?: readonly { readonly value: number; readonly label: string }[];
  /** Draw the y = 0 line and keep 0 inside the range. */
  readonly zeroLine: boolean;
  readonly legend: boolean;
}

function formatAxis(v: number, axis: 'percent' | 'number', step: number): string {
  if (axis === 'percent') return formatPercent(v, Math.max(0, decimalsForStep(step * 100)));
  return formatNumber(v, Math.min(4, decimalsForStep(step)));
}

/** Path data of one series after min/max decimation, broken at NaN gaps (a new M starts a segment). */
function seriesPath(
  timestamps: Float64Array,
  values: Float64Array,
  xOf: (t: number) => number,
  yOf: (v: number) => number,
  area: boolean,
  baseline: number,
): string {
  const kept = minMaxDecimate(timestamps, values, LINE_COLUMNS);
  const parts: string[] = [];
  let open = false;
  let segStartX = 0;
  let lastX = 0;
  const close = (): void => {
    if (open && area) parts.push(`L${r1(lastX)} ${r1(baseline)}L${r1(segStartX)} ${r1(baseline)}Z`);
    open = false;
  };
  for (let k = 0; k < kept.length; k++) {
    const idx = kept[k];
    if (idx < 0) {
      close();
      continue;
    }
    const v = values[idx];
    if (!Number.isFinite(v)) {
      close();
      continue;
    }
    const x = xOf(timestamps[idx]);
    const y = yOf(v);
    if (!open) {
      parts.push(`M${r1(x)} ${r1(y)}`);
      segStartX = x;
      open = true;
    } else {
      parts.push(`L${r1(x)} ${r1(y)}`);
    }
    lastX = x;
  }
  close();
  return parts.join('');
}

function finiteRange(series: readonly LineSeries[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const v = s.values;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (!Number.isFinite(x)) continue; // NaN gaps and a flat window's ±Infinity Sharpe are not drawn
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return { lo, hi };
}

function noDataChart(id: string, title: string, height: number, message: string): string {
  return (
    `<svg class="chart" data-chart="${id}" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${height - MARGIN.top - MARGIN.bottom}"/>` +
    `<text class="empty" x="${CHART_WIDTH / 2}" y="${height / 2}" text-anchor="middle">${escapeHtml(message)}</text></svg>`
  );
}

/** A time-series line (or underwater area) chart with date x axis, formatted y axis and legend. */
export function lineChart(o: LineChartOptions): string {
  const { lo: dataLo, hi: dataHi } = finiteRange(o.series);
  if (!(dataHi >= dataLo)) return noDataChart(o.id, o.title, o.height, 'Not enough data for this chart');
  const plotH = o.height - MARGIN.top - MARGIN.bottom;
  let lo = dataLo;
  let hi = dataHi;
  for (const ref of o.references ?? []) {
    if (Number.isFinite(ref.value)) {
      lo = Math.min(lo, ref.value);
      hi = Math.max(hi, ref.value);
    }
  }
  if (o.zeroLine) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  // The domain is the data plus a 4% margin, not snapped out to the next tick: snapping a
  // curve that runs from -10% to +1460% would waste a third of the chart below -500%.
  const pad = (hi - lo) * 0.04 || Math.max(Math.abs(hi) * 0.05, 0.01);
  const nice = niceTicks(lo - pad, hi + pad, Math.max(3, Math.round(plotH / 45)));
  const y = { step: nice.step, lo: lo - pad, hi: hi + pad, ticks: nice.ticks.filter((t) => t >= lo - pad && t <= hi + pad) };
  const t0 = o.timestamps[0];
  const t1 = o.timestamps[o.timestamps.length - 1];
  const xOf = (t: number): number => MARGIN.left + ((t - t0) / (t1 - t0)) * PLOT_WIDTH;
  const yOf = (v: number): number => MARGIN.top + ((y.hi - v) / (y.hi - y.lo)) * plotH;
  const bottom = MARGIN.top + plotH;

  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="${o.id}" viewBox="0 0 ${CHART_WIDTH} ${o.height}" role="img" aria-label="${escapeHtml(o.title)}">`);
  // Grid and y axis labels.
  out.push('<g class="grid">');
  for (const v of y.ticks) {
    const yy = r1(yOf(v));
    out.push(`<line x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${yy}" y2="${yy}"/>`);
  }
  out.push('</g><g class="axis y-axis">');
  for (const v of y.ticks) {
    out.push(`<text x="${MARGIN.left - 8}" y="${r1(yOf(v) + 4)}" text-anchor="end">${formatAxis(v, o.yAxis, y.step)}</text>`);
  }
  out.push(`<text class="axis-title" transform="translate(14 ${r1(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`);
  out.push('</g><g class="axis x-axis">');
  for (const tick of timeTicks(t0, t1, 9)) {
    const xx = r1(xOf(tick.t));
    out.push(`<line x1="${xx}" x2="${xx}" y1="${bottom}" y2="${bottom + 5}"/>`);
    out.push(`<text x="${xx}" y="${bottom + 18}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  out.push('</g>');
  if (o.zeroLine) {
    const zy = r1(yOf(0));
    out.push(`<line class="zero" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${zy}" y2="${zy}"/>`);
  }
  for (const ref of o.references ?? []) {
    if (!Number.isFinite(ref.value)) continue;
    const ry = r1(yOf(ref.value));
    out.push(`<line class="reference" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${ry}" y2="${ry}"/>`);
    out.push(`<text class="reference-label" x="${CHART_WIDTH - MARGIN.right - 4}" y="${r1(yOf(ref.value) - 5)}" text-anchor="end">${escapeHtml(ref.label)}</text>`);
  }
  const baseline = yOf(Math.min(Math.max(0, y.lo), y.hi));
  // Draw the first series (the strategy) last, so it sits on top of the benchmark.
  for (let s = o.series.length - 1; s >= 0; s--) {
    const series = o.series[s];
    if (series.kind === 'area') {
      const d = seriesPath(o.timestamps, series.values, xOf, yOf, true, baseline);
      out.push(`<path class="area" data-series="${escapeHtml(series.name)}" d="${d}" fill="${series.color}" fill-opacity="0.25" stroke="none"/>`);
    }
    const d = seriesPath(o.timestamps, series.values, xOf, yOf, false, baseline);
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path class="series" data-series="${escapeHtml(series.name)}" d="${d}" stroke="${series.color}"${dash}/>`);
  }
  out.push(`<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${plotH}"/>`);
  out.push('</svg>');
  // The legend is HTML above the chart, not SVG text: it wraps on a narrow screen instead of
  // overlapping, whatever the length of the (escaped) series names.
  const legend = o.legend
    ? `<div class="legend">${o.series
        .map((s) => `<span><i class="swatch${s.dashed === true ? ' dashed' : ''}" style="border-color:${s.color}"></i>${escapeHtml(s.name)}</span>`)
        .join('')}</div>`
    : '';
  return legend + out.join('');
}

const NEUTRAL = [247, 247, 247];
const GAIN = [26, 127, 75];
const LOSS = [192, 57, 43];

/** Diverging colour around 0: white at 0, green for gains, red for losses, full at |v| >= scale. */
export function divergingColor(v: number, scale: number): { fill: string; dark: boolean } {
  const t = scale > 0 ? Math.min(1, Math.abs(v) / scale) : 0;
  const end = v >= 0 ? GAIN : LOSS;
  const c = NEUTRAL.map((n, i) => Math.round(n + (end[i] - n) * t));
  const hex = `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  return { fill: hex, dark: t > 0.55 };
}

function maxAbs(values: readonly (number | null)[]): number {
  let m = 0;
  for (const v of values) if (v !== null && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/**
 * Monthly returns heatmap: one row per year, Jan..Dec and the year's total. Months and year
 * totals have their own colour scales (a year's total is naturally larger than a month's),
 * each symmetric around 0 at the largest absolute value. Every cell is a rect.hm-cell, empty
 * months included (grey), so the cell count is always years * 13.
 */
export function monthlyHeatmap(table: MonthlyReturnsTable): string {
  const labelW = 64;
  const headerH = 26;
  const rowH = 22;
  const cols = 13;
  const gap = 2;
  const yearGap = 8;
  const cellW = (CHART_WIDTH - labelW - MARGIN.right - yearGap) / cols;
  const height = headerH + table.years.length * rowH + 6;
  const monthScale = maxAbs(table.months.flat());
  const yearScale = maxAbs(table.yearTotals);
  const xOf = (c: number): number => labelW + c * cellW + (c === 12 ? yearGap : 0);
  const out: string[] = [];
  out.push(`<svg class="chart heatmap" data-chart="monthly-returns" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Monthly returns">`);
  out.push('<g class="axis">');
  for (let c = 0; c < cols; c++) {
    const label = c < 12 ? MONTH_NAMES[c] : 'Year';
    out.push(`<text x="${r1(xOf(c) + cellW / 2)}" y="17" text-anchor="middle"${c === 12 ? ' font-weight="600"' : ''}>${label}</text>`);
  }
  out.push('</g>');
  for (let y = 0; y < table.years.length; y++) {
    const top = headerH + y * rowH;
    out.push(`<text class="axis" x="${labelW - 10}" y="${r1(top + rowH / 2 + 4)}" text-anchor="end">${table.years[y]}</text>`);
    for (let c = 0; c < cols; c++) {
      const v = c < 12 ? table.months[y][c] : table.yearTotals[y];
      const x = r1(xOf(c) + gap / 2);
      const w = r1(cellW - gap);
      const h = rowH - gap;
      const when = c < 12 ? `${MONTH_NAMES[c]} ${table.years[y]}` : `${table.years[y]}`;
      if (v === null) {
        out.push(`<rect class="hm-cell empty" x="${x}" y="${top}" width="${w}" height="${h}" rx="2"><title>${when}: no data</title></rect>`);
        continue;
      }
      const { fill, dark } = divergingColor(v, c < 12 ? monthScale : yearScale);
      const label = formatPercent(v, 1);
      out.push(`<rect class="hm-cell" x="${x}" y="${top}" width="${w}" height="${h}" rx="2" fill="${fill}"><title>${when}: ${label}</title></rect>`);
      out.push(`<text class="hm-label${dark ? ' on-dark' : ''}" x="${r1(xOf(c) + cellW / 2)}" y="${r1(top + h / 2 + 4)}" text-anchor="middle">${label}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('');
}

/** Trade results histogram: one rect.bar per bin, red left of 0, green right of it, dashed mean. */
export function histogramChart(h: TradeHistogram | null, unit: 'return' | 'currency', mean: number): string {
  const height = 280;
  if (h === null) return noDataChart('trade-pnl', 'Trade P&L distribution', height, 'No trades');
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const bottom = MARGIN.top + plotH;
  const lo = h.edges[0];
  const hi = h.edges[h.edges.length - 1];
  const maxCount = Math.max(...h.counts);
  const yt = niceTicks(0, maxCount, 5);
  const xOf = (v: number): number => MARGIN.left + ((v - lo) / (hi - lo)) * PLOT_WIDTH;
  const yOf = (c: number): number => MARGIN.top + ((yt.hi - c) / (yt.hi - yt.lo)) * plotH;
  const fmt = (v: number, step: number): string =>
    unit === 'return' ? formatPercent(v, decimalsForStep(step * 100)) : formatNumber(v, Math.min(4, decimalsForStep(step)));
  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="trade-pnl" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Trade P&amp;L distribution">`);
  out.push('<g class="grid">');
  for (const c of yt.ticks) out.push(`<line x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${r1(yOf(c))}" y2="${r1(yOf(c))}"/>`);
  out.push('</g><g class="axis y-axis">');
  for (const c of yt.ticks) {
    if (!Number.isInteger(c)) continue; // counts are whole trades
    out.push(`<text x="${MARGIN.left - 8}" y="${r1(yOf(c) + 4)}" text-anchor="end">${c}</text>`);
  }
  out.push(`<text class="axis-title" transform="translate(14 ${r1(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle">Trades</text>`);
  out.push('</g>');
  for (let k = 0; k < h.counts.length; k++) {
    const a = h.edges[k];
    const b = h.edges[k + 1];
    const x = xOf(a);
    const w = Math.max(0.5, xOf(b) - x - 1);
    const top = yOf(h.counts[k]);
    const cls = (a + b) / 2 < 0 ? 'bar loss' : 'bar gain';
    out.push(
      `<rect class="${cls}" x="${r1(x + 0.5)}" y="${r1(top)}" width="${r1(w)}" height="${r1(bottom - top)}">` +
        `<title>${fmt(a, h.width)} to ${fmt(b, h.width)}: ${h.counts[k]} trade${h.counts[k] === 1 ? '' : 's'}</title></rect>`,
    );
  }
  out.push('<g class="axis x-axis">');
  const xt = niceTicks(lo, hi, 8);
  for (const v of xt.ticks) {
    if (v < lo - 1e-12 || v > hi + 1e-12) continue;
    const xx = r1(xOf(v));
    out.push(`<line x1="${xx}" x2="${xx}" y1="${bottom}" y2="${bottom + 5}"/>`);
    out.push(`<text x="${xx}" y="${bottom + 18}" text-anchor="middle">${fmt(v, xt.step)}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  out.push('</g>');
  if (lo < 0 && hi > 0) {
    const zx = r1(xOf(0));
    out.push(`<line class="zero" x1="${zx}" x2="${zx}" y1="${MARGIN.top}" y2="${bottom}"/>`);
  }
  if (Number.isFinite(mean) && mean >= lo && mean <= hi) {
    const mx = r1(xOf(mean));
    out.push(`<line class="reference" x1="${mx}" x2="${mx}" y1="${MARGIN.top}" y2="${bottom}"/>`);
    out.push(`<text class="reference-label" x="${r1(xOf(mean) + 5)}" y="${MARGIN.top + 12}">mean ${unit === 'return' ? formatPercent(mean, 2) : formatNumber(mean, 2)}</text>`);
  }
  out.push(`<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${plotH}"/>`);
  out.push('</svg>');
  return out.join('');
}
