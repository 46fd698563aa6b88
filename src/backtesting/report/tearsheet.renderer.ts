/**
 * The backtest tearsheet: one self-contained HTML page (pyfolio's "full tear sheet", as a
 * file) with cumulative returns against the benchmark, the underwater drawdown, rolling
 * Sharpe, the monthly returns heatmap, the trade P&L distribution and the metrics, parameters
 * and costs tables.
 *
 * Self-contained on purpose: a report is archived, mailed and opened years later on a machine
 * with no network, so it references nothing outside itself (no CDN, no web font, no script;
 * charts are inline SVG drawn here) and its Content-Security-Policy forbids any load, so even a
 * browser that is online fetches nothing. Pure: no I/O, no clock; tearsheet.writer.ts writes it.
 */
import { formatDate, formatDateTime, formatNumber, formatPercent } from './chart-scales';
import { escapeHtml } from './html-escape';
import { monthlyReturns } from './monthly-returns';
import { rollingSharpe } from './rolling-sharpe';
import { histogramChart, lineChart, monthlyHeatmap } from './svg-charts';
import { type TearsheetInput, type TearsheetParamValue, validateTearsheetInput } from './tearsheet-input';
import { tradeHistogram } from './trade-histogram';

const STRATEGY_COLOR = '#1f5fa8';
const BENCHMARK_COLOR = '#8a9099';
const DRAWDOWN_COLOR = '#c0392b';
const SHARPE_COLOR = '#6b3fa0';

type MetricFormat = 'percent' | 'ratio' | 'count' | 'bars';

/** Labels and formats of computeMetrics' fields (src/quant/metrics); other names are shown as given. */
const KNOWN_METRICS: Readonly<Record<string, { readonly label: string; readonly format: MetricFormat }>> = {
  totalReturn: { label: 'Total return', format: 'percent' },
  cagr: { label: 'CAGR', format: 'percent' },
  annualVolatility: { label: 'Annual volatility', format: 'percent' },
  sharpe: { label: 'Sharpe ratio', format: 'ratio' },
  sortino: { label: 'Sortino ratio', format: 'ratio' },
  downsideRisk: { label: 'Downside risk', format: 'percent' },
  maxDrawdown: { label: 'Max drawdown', format: 'percent' },
  maxDrawdownDuration: { label: 'Max drawdown duration', format: 'bars' },
  maxDrawdownRecovered: { label: 'Max drawdown recovered', format: 'ratio' },
  calmar: { label: 'Calmar ratio', format: 'ratio' },
  var95: { label: 'VaR 95%', format: 'percent' },
  cvar95: { label: 'CVaR 95%', format: 'percent' },
  var99: { label: 'VaR 99%', format: 'percent' },
  cvar99: { label: 'CVaR 99%', format: 'percent' },
  skew: { label: 'Skew', format: 'ratio' },
  kurtosis: { label: 'Excess kurtosis', format: 'ratio' },
  winRate: { label: 'Win rate', format: 'percent' },
  profitFactor: { label: 'Profit factor', format: 'ratio' },
  avgWin: { label: 'Average win', format: 'percent' },
  avgLoss: { label: 'Average loss', format: 'percent' },
  winLossRatio: { label: 'Win/loss ratio', format: 'ratio' },
  exposure: { label: 'Exposure', format: 'percent' },
  turnover: { label: 'Turnover per period', format: 'percent' },
  annualTurnover: { label: 'Annual turnover', format: 'percent' },
  alpha: { label: 'Alpha (annual)', format: 'percent' },
  beta: { label: 'Beta', format: 'ratio' },
  periods: { label: 'Periods', format: 'count' },
  periodsPerYear: { label: 'Periods per year', format: 'count' },
};

/** The headline figures, in this order, when the metrics have them. */
const KPIS = ['totalReturn', 'cagr', 'sharpe', 'maxDrawdown', 'annualVolatility', 'sortino'];

const DASH = '—';

/** "maxDrawdownDays" -> "Max drawdown days", for metric names the table does not know. */
function humanize(name: string): string {
  const spaced = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function formatMetric(name: string, value: number | boolean | null): string {
  if (value === null) return DASH;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Number.isNaN(value)) return DASH;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  switch (KNOWN_METRICS[name]?.format) {
    case 'percent':
      return formatPercent(value, 2);
    case 'count':
      return formatNumber(value, Number.isInteger(value) ? 0 : 2);
    case 'bars':
      return `${formatNumber(value, 0)} bars`;
    case 'ratio':
      return formatNumber(value, 2);
    default:
      return Number.isInteger(value) ? formatNumber(value, 0) : formatNumber(value, 4);
  }
}

function metricLabel(name: string): string {
  return KNOWN_METRICS[name]?.label ?? humanize(name);
}

/** Sign class for colouring a figure (gains green, losses red) where sign means good or bad. */
function signClass(name: string, value: number | boolean | null): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) return '';
  if (!['totalReturn', 'cagr', 'sharpe', 'sortino', 'alpha', 'maxDrawdown', 'calmar'].includes(name)) return '';
  return value > 0 ? ' pos' : ' neg';
}

function formatParam(value: TearsheetParamValue): string {
  if (value === null) return DASH;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Cumulative return from the first finite value: v / v0 - 1 (rebases strategy and benchmark alike). */
function cumulativeReturn(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let base = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(base) && Number.isFinite(v)) base = v;
    out[i] = v / base - 1;
  }
  return out;
}

/** Daily or coarser bars show dates; intraday bars show times too. */
function isIntraday(timestamps: Float64Array): boolean {
  const n = timestamps.length;
  return (timestamps[n - 1] - timestamps[0]) / (n - 1) < 20 * 3600_000;
}

function section(title: string, note: string, body: string): string {
  return `<section class="card"><h2>${title}</h2>${note === '' ? '' : `<p class="note">${note}</p>`}${body}</section>`;
}

function tradeStats(pnl: Float64Array, unit: 'return' | 'currency'): string {
  const n = pnl.length;
  if (n === 0) return '';
  const sorted = Float64Array.from(pnl).sort();
  let sum = 0;
  let wins = 0;
  for (let i = 0; i < n; i++) {
    sum += pnl[i];
    if (pnl[i] > 0) wins++;
  }
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const fmt = (v: number): string => (unit === 'return' ? formatPercent(v, 2) : formatNumber(v, 2));
  const items: [string, string][] = [
    ['Trades', formatNumber(n, 0)],
    ['Winning', formatPercent(wins / n, 1)],
    ['Mean', fmt(sum / n)],
    ['Median', fmt(median)],
    ['Best', fmt(sorted[n - 1])],
    ['Worst', fmt(sorted[0])],
  ];
  return `<dl class="stats">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function keyValueTable(cls: string, rows: readonly (readonly [string, string, string?])[]): string {
  const body = rows.map(([k, v, c]) => `<tr><th scope="row">${k}</th><td class="num${c ?? ''}">${v}</td></tr>`).join('');
  return `<table class="${cls}"><tbody>${body}</tbody></table>`;
}

function costsTable(costs: Readonly<Record<string, number>>): string {
  const entries = Object.entries(costs);
  let total = 0;
  for (const [, v] of entries) if (Number.isFinite(v)) total += v;
  const rows = entries.map(([k, v]) => {
    const share = total !== 0 && Number.isFinite(v) ? formatPercent(v / total, 1) : DASH;
    return `<tr><th scope="row">${escapeHtml(humanize(k))}</th><td class="num">${Number.isFinite(v) ? formatNumber(v, 2) : DASH}</td><td class="num">${share}</td></tr>`;
  });
  return (
    '<table class="kv costs"><thead><tr><th scope="col">Cost</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Share</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><th scope="row">Total</th><td class="num">${formatNumber(total, 2)}</td><td class="num">${entries.length > 0 ? '100.0%' : DASH}</td></tr></tfoot></table>`
  );
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1d2430;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto;padding:24px 20px 40px}
header{margin-bottom:18px}
h1{font-size:24px;font-weight:650;margin:0 0 4px;letter-spacing:-.01em}
.subtitle{color:#5b6575;margin:0}
.subtitle strong{color:#1d2430;font-weight:600}
h2{font-size:15px;font-weight:650;margin:0 0 2px;letter-spacing:.01em}
.note{color:#6b7482;font-size:12.5px;margin:0 0 8px}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 18px 12px;margin-bottom:16px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 14px}
.kpi .label{color:#6b7482;font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi .value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.pos{color:#1a7f4b}.neg{color:#c0392b}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px}
.columns .card{margin-bottom:0}
.chart{display:block;width:100%;height:auto;font-size:12px;fill:#1d2430}
.chart .grid line{stroke:#eceef1;stroke-width:1}
.chart .axis text,.chart text.axis{fill:#5b6575;font-size:11.5px}
.chart .axis line{stroke:#9aa1ab;stroke-width:1}
.chart .axis-title{fill:#5b6575;font-size:11.5px}
.chart .frame{fill:none;stroke:#d5d9df;stroke-width:1}
.chart .zero{stroke:#5b6575;stroke-width:1}
.chart .reference{stroke:#5b6575;stroke-width:1;stroke-dasharray:4 4}
.chart .reference-label{fill:#5b6575;font-size:11px}
.chart .series{fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:2px 0 6px 5.5%;font-size:12.5px}
.legend span{display:inline-flex;align-items:center;gap:7px}
.legend .swatch{display:inline-block;width:22px;border-top:3px solid}
.legend .swatch.dashed{border-top-style:dashed}
.chart .empty{fill:#8a9099;font-size:14px}
.chart .bar.gain{fill:#1a7f4b;fill-opacity:.8}
.chart .bar.loss{fill:#c0392b;fill-opacity:.8}
.heatmap .hm-cell.empty{fill:#f1f2f4}
.heatmap .hm-label{font-size:10.5px;fill:#1d2430;font-variant-numeric:tabular-nums}
.heatmap .hm-label.on-dark{fill:#fff}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
.kv th,.kv td{padding:5px 6px;border-bottom:1px solid #eef0f3;text-align:left;font-weight:400}
.kv th{color:#3c4553}
.kv thead th{color:#6b7482;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.kv tfoot th,.kv tfoot td{font-weight:600;border-bottom:none}
.num{text-align:right!important;white-space:nowrap}
.columns>div>.card+.card{margin-top:16px}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:8px;margin:10px 0 0}
.stats div{background:#f7f8fa;border-radius:6px;padding:6px 10px}
.stats dt{color:#6b7482;font-size:11.5px}
.stats dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
footer{color:#8a9099;font-size:12px;margin-top:8px}
@media (max-width:720px){
main{padding:16px 10px 32px}
.chart .axis text,.chart text.axis{font-size:18px}
.chart .reference-label{font-size:17px}
.heatmap .hm-label{font-size:15px}
.chart .axis-title{display:none}
}
@media print{body{background:#fff}.card,.kpi{box-shadow:none;break-inside:avoid}}
`;

/**
 * Renders the tearsheet of one backtest as a complete HTML document. Throws TearsheetInputError
 * (before producing anything) if the input is inconsistent. A million bars render to well
 * under a few MB: every line chart is min/max-decimated to its pixel columns.
 */
export function renderTearsheet(input: TearsheetInput): string {
  const v = validateTearsheetInput(input);
  const unit = input.tradePnlUnit ?? 'return';
  const benchmarkName = input.benchmarkName ?? 'Benchmark';
  const intraday = isIntraday(v.timestamps);
  const fmtTime = intraday ? formatDateTime : formatDate;
  const first = v.timestamps[0];
  const last = v.timestamps[v.bars - 1];

  const kpis = KPIS.filter((k) => k in input.metrics)
    .map((k) => {
      const value = input.metrics[k];
      return `<div class="kpi"><div class="label">${metricLabel(k)}</div><div class="value${signClass(k, value)}">${formatMetric(k, value)}</div></div>`;
    })
    .join('');

  const equitySeries = [{ name: input.strategy.name, values: cumulativeReturn(v.equity), color: STRATEGY_COLOR, kind: 'line' as const }];
  if (v.benchmark !== null) equitySeries.push({ name: benchmarkName, values: cumulativeReturn(v.benchmark), color: BENCHMARK_COLOR, kind: 'line' as const });
  const equityChart = lineChart({
    id: 'equity',
    title: 'Cumulative return',
    height: 340,
    timestamps: v.timestamps,
    series: equitySeries,
    yAxis: 'percent',
    yLabel: 'Cumulative return',
    zeroLine: true,
    legend: true,
  });

  const drawdownChart = lineChart({
    id: 'drawdown',
    title: 'Underwater drawdown',
    height: 220,
    timestamps: v.timestamps,
    series: [{ name: 'Drawdown', values: v.drawdown, color: DRAWDOWN_COLOR, kind: 'area' }],
    yAxis: 'percent',
    yLabel: 'Drawdown',
    zeroLine: true,
    legend: false,
  });

  const sharpe = rollingSharpe(v.returns, v.rollingSharpeWindow, input.periodsPerYear);
  const fullSharpe = input.metrics.sharpe;
  const sharpeChart = lineChart({
    id: 'rolling-sharpe',
    title: 'Rolling Sharpe ratio',
    height: 240,
    timestamps: v.timestamps,
    series: [{ name: `Rolling Sharpe (${v.rollingSharpeWindow} bars)`, values: sharpe, color: SHARPE_COLOR, kind: 'line' }],
    yAxis: 'number',
    yLabel: 'Sharpe ratio',
    zeroLine: true,
    legend: true,
    references: typeof fullSharpe === 'number' ? [{ value: fullSharpe, label: `full period ${formatNumber(fullSharpe, 2)}` }] : [],
  });

  const table = monthlyReturns(v.timestamps, v.returns);
  const histogram = tradeHistogram(v.tradePnl);
  let tradeMean = NaN;
  if (v.tradePnl.length > 0) {
    let s = 0;
    for (let i = 0; i < v.tradePnl.length; i++) s += v.tradePnl[i];
    tradeMean = s / v.tradePnl.length;
  }
  const binNote =
    histogram === null
      ? 'No closed trades.'
      : `${histogram.counts.length} bins of ${unit === 'return' ? formatPercent(histogram.width, 2) : formatNumber(histogram.width, 2)} (${histogram.rule === 'freedman-diaconis' ? 'Freedman–Diaconis rule' : histogram.rule === 'sqrt' ? '√n bins' : 'all trades equal'}).`;

  const metricRows = Object.entries(input.metrics).map(([k, value]) => [escapeHtml(metricLabel(k)), formatMetric(k, value), signClass(k, value)] as const);
  const paramRows = Object.entries(input.strategy.params).map(([k, value]) => [escapeHtml(k), escapeHtml(formatParam(value))] as const);

  const title = escapeHtml(input.title);
  const body = [
    `<header><h1>${title}</h1><p class="subtitle"><strong>${escapeHtml(input.strategy.name)}</strong>`,
    v.benchmark !== null ? ` vs ${escapeHtml(benchmarkName)}` : '',
    ` · ${fmtTime(first)} to ${fmtTime(last)} · ${formatNumber(v.bars, 0)} bars · ${formatNumber(input.periodsPerYear, Number.isInteger(input.periodsPerYear) ? 0 : 2)} bars a year</p></header>`,
    kpis === '' ? '' : `<div class="kpis">${kpis}</div>`,
    section('Cumulative return', v.benchmark !== null ? `Strategy and ${escapeHtml(benchmarkName)}, both rebased to 0% at their first bar.` : 'Strategy equity, rebased to 0% at the first bar.', equityChart),
    section('Underwater drawdown', 'Fall of equity below its running peak.', drawdownChart),
    section(
      'Rolling Sharpe ratio',
      `Over the last ${formatNumber(v.rollingSharpeWindow, 0)} bars: mean / standard deviation (ddof 1) × √${formatNumber(input.periodsPerYear, 0)}, risk-free 0; no line until the window is full.`,
      sharpeChart,
    ),
    section('Monthly returns', 'Bar returns compounded by calendar month (UTC); the last column compounds the year. Colour scale diverges at 0, months and years scaled separately.', monthlyHeatmap(table)),
    section('Trade P&amp;L distribution', binNote, histogramChart(histogram, unit, tradeMean) + tradeStats(v.tradePnl, unit)),
    '<div class="columns">',
    section('Performance metrics', '', keyValueTable('kv', metricRows)),
    '<div>',
    section('Strategy parameters', escapeHtml(input.strategy.name), paramRows.length > 0 ? keyValueTable('kv', paramRows) : '<p class="note">No parameters.</p>'),
    input.costs === undefined ? '' : section('Costs', 'In account currency.', costsTable(input.costs)),
    '</div></div>',
    `<footer>QuantDesk backtest tearsheet${input.generatedAt === undefined ? '' : ` · generated ${formatDateTime(input.generatedAt)}`}</footer>`,
  ].join('');

  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    // Nothing may load: the page must look the same offline as online, and a report leaks nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>\n`
  );
}
