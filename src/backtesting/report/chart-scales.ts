/** Axis ticks and number/date formats for the tearsheet charts (UTC throughout). */

/** Ticks at 1, 2, 2.5 or 5 times a power of ten covering [lo, hi], about `target` of them. */
export function niceTicks(lo: number, hi: number, target: number): { ticks: number[]; step: number; lo: number; hi: number } {
  if (!(hi > lo)) {
    // A flat series: give it a band around its value so it draws mid-chart.
    const pad = lo === 0 ? 0.01 : Math.abs(lo) * 0.05;
    return niceTicks(lo - pad, hi + pad, target);
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  // Integer multiples, so a tick meant to be 0 is exactly 0 (not 1e-17).
  for (let k = first; k <= last; k++) ticks.push(k * step);
  return { ticks, step, lo: first * step, hi: last * step };
}

/** Decimals that show a tick step without repeating labels: step 0.25 needs 2, step 5 needs 0. */
export function decimalsForStep(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d <= 8; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 8;
}

/** A fraction as a percent string: 0.1234 -> "12.3%". Negative zero shows as 0. */
export function formatPercent(fraction: number, decimals = 1): string {
  const v = fraction * 100;
  const s = v.toFixed(decimals);
  return `${Number(s) === 0 ? (0).toFixed(decimals) : s}%`;
}

/** A plain number with thousands separators (en-US, fixed so output is the same everywhere). */
export function formatNumber(v: number, decimals = 2): string {
  const fixed = Math.abs(v).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = v < 0 && Number(fixed) !== 0 ? '-' : '';
  return frac === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${frac}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MONTH_NAMES: readonly string[] = MONTHS;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** 1996-03-07 (UTC). */
export function formatDate(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** 1996-03-07 14:30 UTC. */
export function formatDateTime(t: number): string {
  const d = new Date(t);
  return `${formatDate(t)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} UTC`;
}

interface TimeStep {
  readonly kind: 'ms' | 'month';
  /** milliseconds for 'ms', months for 'month'. */
  readonly size: number;
  readonly label: (t: number) => string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const hourLabel = (t: number): string => {
  const d = new Date(t);
  return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
};
const dayLabel = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};
const monthLabel = (t: number): string => {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};
const yearLabel = (t: number): string => `${new Date(t).getUTCFullYear()}`;

const TIME_STEPS: readonly TimeStep[] = [
  { kind: 'ms', size: MINUTE, label: hourLabel },
  { kind: 'ms', size: 5 * MINUTE, label: hourLabel },
  { kind: 'ms', size: 15 * MINUTE, label: hourLabel },
  { kind: 'ms', size: HOUR, label: hourLabel },
  { kind: 'ms', size: 3 * HOUR, label: hourLabel },
  { kind: 'ms', size: 6 * HOUR, label: hourLabel },
  { kind: 'ms', size: 12 * HOUR, label: hourLabel },
  { kind: 'ms', size: DAY, label: dayLabel },
  { kind: 'ms', size: 2 * DAY, label: dayLabel },
  { kind: 'ms', size: 7 * DAY, label: dayLabel },
  { kind: 'month', size: 1, label: monthLabel },
  { kind: 'month', size: 3, label: monthLabel },
  { kind: 'month', size: 6, label: monthLabel },
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map((y): TimeStep => ({ kind: 'month', size: 12 * y, label: yearLabel })),
];

function monthTicks(t0: number, t1: number, months: number): number[] {
  const d = new Date(t0);
  // Align to a multiple of the step since year 0 (so 5-year steps land on 1970, 1975, ...).
  let index = d.getUTCFullYear() * 12 + d.getUTCMonth();
  index = Math.ceil(index / months) * months;
  const out: number[] = [];
  for (;;) {
    const t = Date.UTC(Math.floor(index / 12), index % 12, 1);
    if (t > t1) break;
    if (t >= t0) out.push(t);
    index += months;
  }
  return out;
}

/** Calendar-aligned UTC date ticks over [t0, t1], at most `maxTicks`, with their labels. */
export function timeTicks(t0: number, t1: number, maxTicks: number): { t: number; label: string }[] {
  for (const step of TIME_STEPS) {
    const approx = step.kind === 'ms' ? (t1 - t0) / step.size : (t1 - t0) / (step.size * 30.44 * DAY);
    if (approx > maxTicks) continue;
    const ts = step.kind === 'ms' ? msTicks(t0, t1, step.size) : monthTicks(t0, t1, step.size);
    if (ts.length > maxTicks) continue;
    return ts.map((t) => ({ t, label: step.label(t) }));
  }
  return [];
}

function msTicks(t0: number, t1: number, size: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(t0 / size) * size; t <= t1; t += size) out.push(t);
  return out;
}
