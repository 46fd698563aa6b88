/**
 * The strategies by name: the CLI, the optimizer and the live runner find them here. A new
 * strategy is one file in this folder and one entry below.
 */
import { pairsTrading } from './pairs-trading.strategy';
import { regimeMomentum } from './regime-momentum.strategy';
import { sentimentIntraday } from './sentiment-intraday.strategy';
import { smaCross } from './sma-cross.strategy';
import type { StrategyParams } from './strategy-params';
import type { Strategy } from './strategy.types';

const STRATEGIES: readonly Strategy[] = [smaCross as unknown as Strategy, sentimentIntraday as unknown as Strategy, pairsTrading as unknown as Strategy, regimeMomentum as unknown as Strategy];

export class UnknownStrategyError extends Error {
  constructor(readonly strategy: string) {
    super(`unknown strategy "${strategy}" (strategies: ${STRATEGIES.map((s) => s.name).join(', ')})`);
    this.name = 'UnknownStrategyError';
  }
}

/** The strategy named `name`; throws UnknownStrategyError naming the ones that exist. */
export function getStrategy<P extends StrategyParams = StrategyParams>(name: string): Strategy<P> {
  const s = STRATEGIES.find((x) => x.name === name);
  if (!s) throw new UnknownStrategyError(name);
  return s as unknown as Strategy<P>;
}

/** Every registered strategy, in registration order. */
export function listStrategies(): readonly Strategy[] {
  return STRATEGIES;
}
