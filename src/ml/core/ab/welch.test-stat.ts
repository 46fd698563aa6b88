/**
 * Welch's unequal-variance t test (B. L. Welch, "The generalization of 'Student's' problem when
 * several different population variances are involved", Biometrika 34, 1947), two-sided, as
 * scipy.stats.ttest_ind(challenger, champion, equal_var=False):
 *   t = (mean1 - mean2) / sqrt(s1²/n1 + s2²/n2)   (s² the ddof = 1 variances),
 *   df = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1 - 1) + (s2²/n2)²/(n2 - 1))   (Welch-Satterthwaite),
 *   p = P(|T_df| >= |t|).
 * Used on per-trade or daily returns of a challenger and a champion model. Non-finite values
 * (no trade that day) are dropped; each side needs at least 2 finite values (AbParamError).
 * With both variances 0 the statistic is 0/0 or ±Infinity and df and p are NaN, as scipy.
 */
import { studentTTwoSidedP } from '../../../quant/stats/student-t.distribution';
import { AbParamError } from './ab-errors';

export interface WelchResult {
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
  readonly meanDiff: number;
  readonly n1: number;
  readonly n2: number;
}

/** Mean and ddof = 1 variance (two passes, as numpy) of the finite values. */
function moments(x: ArrayLike<number>, field: string): { mean: number; variance: number; n: number } {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i])) {
      n++;
      sum += x[i];
    }
  }
  if (n < 2) throw new AbParamError(field, `${field} needs at least 2 finite values, got ${n}`);
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) ss += (x[i] - mean) * (x[i] - mean);
  return { mean, variance: ss / (n - 1), n };
}

/**
 * Welch's test from summary statistics (means, ddof = 1 variances, counts): what welchTTest
 * computes after its moments pass, for callers that keep running sums.
 */
export function welchFromMoments(mean1: number, variance1: number, n1: number, mean2: number, variance2: number, n2: number): WelchResult {
  const vn1 = variance1 / n1;
  const vn2 = variance2 / n2;
  const se2 = vn1 + vn2;
  const meanDiff = mean1 - mean2;
  const t = meanDiff / Math.sqrt(se2);
  const df = (se2 * se2) / ((vn1 * vn1) / (n1 - 1) + (vn2 * vn2) / (n2 - 1));
  const pValue = Number.isFinite(t) && Number.isFinite(df) ? studentTTwoSidedP(t, df) : NaN;
  return { t, df, pValue, meanDiff, n1, n2 };
}

export function welchTTest(challenger: ArrayLike<number>, champion: ArrayLike<number>): WelchResult {
  const a = moments(challenger, 'challenger');
  const b = moments(champion, 'champion');
  return welchFromMoments(a.mean, a.variance, a.n, b.mean, b.variance, b.n);
}
