/**
 * Evaluation of the stream detectors on synthetic streams with a known change point (issue 9:
 * "each detector tested on synthetic streams with a known change point: detection delay and
 * false-alarm rate reported"). Pure and seeded: run r of a scenario draws its stream from
 * Xoshiro128.fromSeed(seed + r) (src/quant/random), so every figure is reproducible.
 *
 * Per run, with the change at index c (the first point drawn from the new distribution):
 * - detected: some drift fires at an index in [c, c + maxDelay); delay = first such index - c
 *   (0: the first changed point raised it). maxDelay defaults to the rest of the stream;
 * - false alarms: drifts at indices < c, reported per 1,000 pre-change points; on a scenario
 *   with no change every drift is a false alarm (per 1,000 points of the stream).
 * Page-Hinkley and DDM reset after each drift and ADWIN keeps its shrunk window (detectDrifts).
 */
import { normalQuantile, Xoshiro128 } from '../../../quant/random';
import { DriftParamError } from './drift-errors';
import type { StreamDetectorKind } from './drift.types';
import { detectDrifts } from './stream-detectors';

export interface ChangeScenario {
  readonly name: string;
  /** bernoulli: 0/1 with P(1) = before / after (a classifier's error indicator); gaussian: N(before / after, sd²). */
  readonly distribution: 'bernoulli' | 'gaussian';
  readonly before: number;
  readonly after: number;
  /** Gaussian standard deviation (default 1). */
  readonly sd?: number;
  readonly length: number;
  /** Index of the first changed point; null: no change (a false-alarm scenario). */
  readonly changeAt: number | null;
}

/** The scenarios the spec and bench/drift-detectors.ts report on. */
export const DRIFT_SCENARIOS: readonly ChangeScenario[] = [
  { name: 'error rate 0.2 -> 0.5', distribution: 'bernoulli', before: 0.2, after: 0.5, length: 2000, changeAt: 1000 },
  { name: 'gaussian mean 0 -> 1 (sd 1)', distribution: 'gaussian', before: 0, after: 1, sd: 1, length: 2000, changeAt: 1000 },
  { name: 'no change, error rate 0.2', distribution: 'bernoulli', before: 0.2, after: 0.2, length: 10_000, changeAt: null },
  { name: 'no change, gaussian (sd 1)', distribution: 'gaussian', before: 0, after: 0, sd: 1, length: 10_000, changeAt: null },
];

/** The stream of one run: `length` points, the change at `changeAt`. */
export function syntheticStream(scenario: ChangeScenario, seed: number): Float64Array {
  const rng = Xoshiro128.fromSeed(seed);
  const out = new Float64Array(scenario.length);
  const sd = scenario.sd ?? 1;
  for (let i = 0; i < scenario.length; i++) {
    const level = scenario.changeAt !== null && i >= scenario.changeAt ? scenario.after : scenario.before;
    if (scenario.distribution === 'bernoulli') {
      out[i] = rng.nextDouble() < level ? 1 : 0;
    } else {
      // Inversion; nextDouble is in [0, 1), so 0 is mapped to the smallest positive double.
      const u = rng.nextDouble();
      out[i] = level + sd * normalQuantile(u > 0 ? u : Number.MIN_VALUE);
    }
  }
  return out;
}

export interface DetectorEvaluation {
  readonly kind: StreamDetectorKind;
  readonly scenario: string;
  readonly runs: number;
  /** Runs with a drift in [changeAt, changeAt + maxDelay), over runs (NaN with no change). */
  readonly detectionRate: number;
  readonly meanDelay: number;
  readonly medianDelay: number;
  /** Delay of each detected run, ascending. */
  readonly delays: readonly number[];
  /** Drifts before the change (the whole stream with no change), all runs. */
  readonly falseAlarms: number;
  /** falseAlarms per 1,000 pre-change points. */
  readonly falseAlarmsPer1000: number;
}

export interface EvaluationOptions {
  readonly runs?: number;
  readonly seed?: number;
  readonly maxDelay?: number;
  readonly params?: Readonly<Record<string, number>>;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function evaluateDetector(kind: StreamDetectorKind, scenario: ChangeScenario, options: EvaluationOptions = {}): DetectorEvaluation {
  const runs = options.runs ?? 200;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new DriftParamError('runs', `runs must be an integer >= 1, got ${runs}`);
  const c = scenario.changeAt;
  const maxDelay = options.maxDelay ?? (c === null ? 0 : scenario.length - c);
  const delays: number[] = [];
  let falseAlarms = 0;
  for (let r = 0; r < runs; r++) {
    const { drifts } = detectDrifts(kind, syntheticStream(scenario, seed + r), options.params);
    let first = -1;
    for (const i of drifts) {
      if (c === null || i < c) falseAlarms++;
      else if (first < 0 && i < c + maxDelay) first = i;
    }
    if (c !== null && first >= 0) delays.push(first - c);
  }
  delays.sort((a, b) => a - b);
  const prePoints = (c ?? scenario.length) * runs;
  return {
    kind,
    scenario: scenario.name,
    runs,
    detectionRate: c === null ? NaN : delays.length / runs,
    meanDelay: delays.length > 0 ? delays.reduce((s, d) => s + d, 0) / delays.length : NaN,
    medianDelay: median(delays),
    delays,
    falseAlarms,
    falseAlarmsPer1000: (1000 * falseAlarms) / prePoints,
  };
}
