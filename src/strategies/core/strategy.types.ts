/**
 * The strategy contract (DESIGN principle 2: one strategy, every mode).
 *
 * A strategy is a causal function from the data up to bar t to target positions at bar t:
 * `targets` fills, for every instrument k and bar t, the position decided at the close of bar t
 * (held from t to t+1 by the backtester), as a signed fraction of equity (1 = fully long,
 * -1 = fully short, 0 or NaN = flat). Causal means the value at t depends only on bars 0..t.
 *
 * Vectorized and bar-by-bar are the same code: the vectorized backtester calls `targets` once
 * over whole arrays; the live/paper runner, at each new bar t, calls the same `targets` on the
 * data truncated to t+1 bars (`targetsAtBar` in strategy.runner.ts) and reads the last row.
 * Because the indicators are causal and computed deterministically from the start of the
 * series, both give bit-identical targets; the parity spec proves it for sampled t and the
 * causality spec proves that changing bars after t never changes a target at or before t.
 */
import type { IndicatorContext } from './indicator.context';
import type { ParamSpec, StrategyParams } from './strategy-params';

export interface Strategy<P extends StrategyParams = StrategyParams> {
  /** Registry name, kebab-case (`sma-cross`). */
  readonly name: string;
  readonly description: string;
  /** Declared parameters (types, inclusive ranges, defaults), read by the optimizer and the CLI. */
  readonly params: readonly ParamSpec[];
  /**
   * Inputs beyond closes that `targets` cannot run without (absent: closes only). Declared so the
   * CLI and the research API refuse a run up front (exit 2, 400) instead of failing it later.
   */
  readonly requires?: { readonly timestamps?: boolean; readonly sentiment?: boolean };
  /**
   * Checks between parameters that a single range cannot say (e.g. fast < slow); throws
   * StrategyParamError. Called after each value was checked against its ParamSpec.
   */
  check?(params: P): void;
  /**
   * Fills `out[k][t]` (one Float64Array of ctx.data.length per instrument, zero-filled by the
   * caller) with the target of instrument k decided at the close of bar t. Indicators come from
   * `ctx` (memoized across a sweep). No allocation per bar.
   */
  targets(ctx: IndicatorContext, params: P, out: readonly Float64Array[]): void;
}
