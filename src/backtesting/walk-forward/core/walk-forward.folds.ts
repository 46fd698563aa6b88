/**
 * The folds of a walk-forward plan over a series of n bars (n - 1 returns, return bars 1..n-1).
 * Fold k tests [s + k·test, s + (k+1)·test) with s = 1 + train, and trains on the `train`
 * returns just before (rolling) or on every return before (anchored). Only whole test windows
 * are made: the returns after the last one are left out (their count is the plan's remainder).
 */
import { WalkForwardInputError, type Fold, type WalkForwardPlan } from './walk-forward.types';

export function checkPlan(plan: WalkForwardPlan): void {
  for (const k of ['train', 'test'] as const) {
    const v = plan[k];
    if (!Number.isInteger(v) || v < 2) throw new WalkForwardInputError(k, `${k} must be an integer >= 2 (returns per window), got ${v}`);
  }
  if (plan.mode !== 'rolling' && plan.mode !== 'anchored') throw new WalkForwardInputError('mode', `mode must be rolling or anchored, got ${String(plan.mode)}`);
}

/** Every fold of `plan` over `bars` bars; throws WalkForwardInputError when not even one fits. */
export function walkForwardFolds(bars: number, plan: WalkForwardPlan): Fold[] {
  checkPlan(plan);
  const first = 1 + plan.train;
  const folds: Fold[] = [];
  for (let k = 0; first + (k + 1) * plan.test <= bars; k++) {
    const testFrom = first + k * plan.test;
    folds.push({
      fold: k,
      train: { from: plan.mode === 'rolling' ? testFrom - plan.train : 1, to: testFrom },
      test: { from: testFrom, to: testFrom + plan.test },
    });
  }
  if (folds.length === 0) {
    throw new WalkForwardInputError('train', `${bars} bars (${bars - 1} returns) hold no fold of train ${plan.train} + test ${plan.test} returns`);
  }
  return folds;
}
