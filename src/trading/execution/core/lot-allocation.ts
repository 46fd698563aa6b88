import { ScheduleInputError, type LotSpec } from './schedule.types';

/** Most decimals a quantity or lot size may have: keeps every unit count below 2^53. */
const MAX_DECIMALS = 9;

/** Decimals of the shortest round-trip text of a finite number (1e-7 → 7, 0.25 → 2). */
export function decimalsOf(x: number): number {
  const text = String(x);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) {
    const mantissa = text.slice(0, text.indexOf('e'));
    const dot = mantissa.indexOf('.');
    return Number(exp[1]) + (dot < 0 ? 0 : mantissa.length - dot - 1);
  }
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The integer grid quantities are counted on: quantity and lot as whole units of 10^-d. */
export function unitGrid(spec: LotSpec): { scale: number; quantityUnits: number; lotUnits: number } {
  const { quantity, lotSize } = spec;
  if (!Number.isFinite(quantity) || quantity <= 0) throw new ScheduleInputError('quantity', 'must be a positive number');
  if (!Number.isFinite(lotSize) || lotSize <= 0) throw new ScheduleInputError('lotSize', 'must be a positive number');
  const d = Math.max(decimalsOf(quantity), decimalsOf(lotSize));
  if (d > MAX_DECIMALS) throw new ScheduleInputError('quantity', `may have at most ${MAX_DECIMALS} decimals (with lotSize)`);
  const scale = 10 ** d;
  const quantityUnits = Math.round(quantity * scale);
  const lotUnits = Math.round(lotSize * scale);
  if (!Number.isSafeInteger(quantityUnits)) throw new ScheduleInputError('quantity', 'is too large for its decimals');
  if (lotUnits > quantityUnits) throw new ScheduleInputError('lotSize', 'must not exceed the quantity');
  return { scale, quantityUnits, lotUnits };
}

/**
 * Splits the parent quantity in proportion to `weights` (>= 0, not all zero), rounded to lots
 * with the rounding remainder carried forward: slice j gets round(C_j) − round(C_{j−1}) lots,
 * C_j being the cumulative target Q·Σ_{i≤j} w_i / Σ w. Cumulative rounding never lets the error
 * grow past half a lot, keeps every slice >= 0 (C is non-decreasing), and ends exactly on the
 * parent quantity; a sub-lot remainder of the parent (not a whole number of lots) goes to the
 * last slice with positive weight. Quantities come back as units / 10^d, whose shortest text is
 * the exact decimal, so they add up in decimal to the parent quantity exactly.
 */
export function allocateLots(weights: ArrayLike<number>, spec: LotSpec): number[] {
  const { scale, quantityUnits, lotUnits } = unitGrid(spec);
  const n = weights.length;
  if (n === 0) throw new ScheduleInputError('schedule', 'has no slices');
  let total = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) throw new ScheduleInputError('weights', `weight ${i} must be finite and >= 0`);
    total += w;
    if (w > 0) last = i;
  }
  if (!(total > 0)) throw new ScheduleInputError('weights', 'are all zero');
  const wholeLots = Math.floor(quantityUnits / lotUnits);
  const out = new Array<number>(n).fill(0);
  let cumulative = 0;
  let previousLots = 0;
  for (let i = 0; i < n; i++) {
    cumulative += weights[i];
    const lots = i >= last ? wholeLots : Math.min(wholeLots, Math.round((wholeLots * cumulative) / total));
    out[i] = (lots - previousLots) * lotUnits;
    previousLots = lots;
  }
  out[last] += quantityUnits - wholeLots * lotUnits;
  return out.map((units) => units / scale);
}
