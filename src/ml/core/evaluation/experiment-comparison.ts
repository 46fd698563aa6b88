/**
 * A challenger against the champion on the same bars (pure): the strategy's per-bar returns with
 * each model's signal, compared from bar `from` on (bars where both returns are finite) by
 * Welch's t test (unequal variances; the returns as two samples) and the mixture SPRT on the
 * paired differences (challenger - champion, always-valid p-value: Johari, Pekelis and Walsh
 * 2017), both from src/ml/core/ab.
 */
import { sequentialTest, welchTTest, type SequentialResult, type WelchResult } from '../ab';

export interface ExperimentComparison {
  /** Paired bars compared. */
  readonly bars: number;
  /** null with fewer than 2 pairs. */
  readonly welch: WelchResult | null;
  readonly sequential: SequentialResult | null;
  readonly championMean: number;
  readonly challengerMean: number;
}

export function compareReturns(champion: ArrayLike<number>, challenger: ArrayLike<number>, from: number): ExperimentComparison {
  const a: number[] = [];
  const b: number[] = [];
  const n = Math.min(champion.length, challenger.length);
  for (let t = Math.max(0, from); t < n; t++) {
    if (Number.isFinite(champion[t]) && Number.isFinite(challenger[t])) {
      a.push(champion[t]);
      b.push(challenger[t]);
    }
  }
  const mean = (x: readonly number[]): number => (x.length ? x.reduce((s, v) => s + v, 0) / x.length : NaN);
  if (a.length < 2) return { bars: a.length, welch: null, sequential: null, championMean: mean(a), challengerMean: mean(b) };
  return { bars: a.length, welch: welchTTest(b, a), sequential: sequentialTest(b, a), championMean: mean(a), challengerMean: mean(b) };
}
