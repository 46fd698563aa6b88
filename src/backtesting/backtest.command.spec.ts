import { UsageError } from '../cli/cli-errors';
import { smaCross, type Strategy } from '../strategies/core';
import { parseStrategyParams } from './backtest.command';

const strategy = smaCross as unknown as Strategy;

describe('parseStrategyParams', () => {
  it('overlays the declared defaults with --param values parsed by type', () => {
    expect(parseStrategyParams(strategy, [])).toEqual({ fast: 10, slow: 50, longOnly: true });
    expect(parseStrategyParams(strategy, ['fast=3', ' slow = 8', 'longOnly=0'])).toEqual({ fast: 3, slow: 8, longOnly: false });
  });

  it('refuses malformed pairs, unknown and repeated names, bad values and fast >= slow as usage errors', () => {
    for (const pairs of [['=3'], ['fast'], ['speed=3'], ['fast=3', 'fast=4'], ['fast=x'], ['slow=1'], ['fast=50']]) {
      expect(() => parseStrategyParams(strategy, pairs)).toThrow(UsageError);
    }
    expect(() => parseStrategyParams(strategy, ['slow=10'])).toThrow('sma-cross: fast (10) must be less than slow (10)');
  });
});
