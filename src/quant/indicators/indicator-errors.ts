/**
 * Typed errors of the indicator functions (pure code: no framework). Callers at the edges map
 * them: the CLI to a usage error (exit 2), an HTTP handler to a 400.
 */

/** A parameter out of its domain (a period that is not a positive integer, fast >= slow, ...). */
export class IndicatorParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'IndicatorParamError';
  }
}

/**
 * Input the indicator cannot use: series of different lengths, or a NaN after the first value.
 * NaN is allowed only as a leading run (a warm-up produced upstream); like R TTR (naCheck:
 * "Series contains non-leading NAs"), a gap inside the data is refused rather than smoothed over.
 */
export class IndicatorInputError extends Error {
  constructor(
    readonly input: string,
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'IndicatorInputError';
  }
}

/**
 * Bars per call of an indicator's inner loop function. Long passes run in chunks so the loop
 * function is called often and V8 optimizes it whole (see adx.indicator.ts).
 */
export const CHUNK = 8192;

/** Throws unless `value` is an integer >= 1. */
export function checkPeriod(param: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new IndicatorParamError(param, `${param} must be an integer >= 1, got ${value}`);
}

/** Throws unless `value` is a finite number >= 0. */
export function checkNonNegative(param: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new IndicatorParamError(param, `${param} must be a finite number >= 0, got ${value}`);
}

/** Throws unless every series has the length of the first. */
export function checkSameLength(series: Readonly<Record<string, Float64Array>>): number {
  let len = -1;
  let first = '';
  for (const [name, s] of Object.entries(series)) {
    if (len < 0) {
      len = s.length;
      first = name;
    } else if (s.length !== len) {
      throw new IndicatorInputError(name, `${name} has ${s.length} values, ${first} has ${len}`);
    }
  }
  return Math.max(len, 0);
}

/** The error for a NaN met after the first value of `input`. */
export function nonLeadingNaN(input: string, index: number): IndicatorInputError {
  return new IndicatorInputError(input, `${input}[${index}] is NaN after the series started: only leading NaN (warm-up) is allowed`, index);
}

/**
 * A new output of `len` values, NaN before `ready` (the warm-up); the rest is left for the
 * indicator to write (each one writes every value from its first), so it is not filled twice.
 */
export function warmupArray(len: number, ready: number): Float64Array {
  const out = new Float64Array(len);
  out.fill(NaN, 0, Math.min(Math.max(ready, 0), len));
  return out;
}

/** Index of the first non-NaN value of `x` (x.length when there is none). */
export function firstValue(x: Float64Array): number {
  let i = 0;
  const len = x.length;
  while (i < len && x[i] !== x[i]) i++;
  return i;
}

/** Index from which every one of the series is non-NaN (their leading NaN runs skipped). */
export function firstValueOfAll(...xs: Float64Array[]): number {
  let start = 0;
  for (const x of xs) start = Math.max(start, firstValue(x));
  return start;
}
