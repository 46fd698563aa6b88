/**
 * The round trips of a backtest recorded in typed arrays, made into Trade objects only when a
 * caller reads them (BacktestResult.trades is a getter that materializes them once).
 *
 * Why: a 10M-bar sma-cross run closes ~170,000 trades; as objects they held ~50 MB (~185 B each
 * live, plus the young generation they were promoted through) for a result that a sweep or a
 * metrics-only caller never reads. Here a trade is 56 bytes of columns (grown by doubling), and
 * the objects, when read, carry the very same numbers: every field is stored as computed, and
 * pnlPct is the same division (pnl / equity at entry) done at materialization.
 */
import type { Trade } from './backtest.types';

const INITIAL_CAPACITY = 64;

export class TradeLog {
  private count = 0;
  private instrument: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private entryIndex: Int32Array = new Int32Array(INITIAL_CAPACITY);
  /** -1: still open at the last bar. */
  private exitIndex: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private entryPrice: Float64Array = new Float64Array(INITIAL_CAPACITY);
  /** NaN: still open (exitPrice null). */
  private exitPrice: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private size: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private holdingBars: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private pnl: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private entryEquity: Float64Array = new Float64Array(INITIAL_CAPACITY);

  get length(): number {
    return this.count;
  }

  /** Records one round trip; exitIndex < 0 (and exitPrice ignored) for one still open at the end. */
  push(instrument: number, entryIndex: number, exitIndex: number, entryPrice: number, exitPrice: number, size: number, holdingBars: number, pnl: number, entryEquity: number): void {
    if (this.count === this.instrument.length) this.grow();
    const i = this.count++;
    this.instrument[i] = instrument;
    this.entryIndex[i] = entryIndex;
    this.exitIndex[i] = exitIndex;
    this.entryPrice[i] = entryPrice;
    this.exitPrice[i] = exitIndex < 0 ? NaN : exitPrice;
    this.size[i] = size;
    this.holdingBars[i] = holdingBars;
    this.pnl[i] = pnl;
    this.entryEquity[i] = entryEquity;
  }

  /** The Trade objects, in the order recorded (`symbols[instrument]` names each). */
  toTrades(symbols: readonly string[]): Trade[] {
    const out: Trade[] = new Array<Trade>(this.count);
    for (let i = 0; i < this.count; i++) {
      const open = this.exitIndex[i] < 0;
      const size = this.size[i];
      const pnl = this.pnl[i];
      out[i] = {
        instrument: this.instrument[i],
        symbol: symbols[this.instrument[i]],
        side: size > 0 ? 'long' : 'short',
        entryIndex: this.entryIndex[i],
        exitIndex: open ? null : this.exitIndex[i],
        entryPrice: this.entryPrice[i],
        exitPrice: open ? null : this.exitPrice[i],
        size,
        holdingBars: this.holdingBars[i],
        pnl,
        pnlPct: pnl / this.entryEquity[i],
      };
    }
    return out;
  }

  private grow(): void {
    const cap = this.instrument.length * 2;
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.instrument = i32(this.instrument);
    this.entryIndex = i32(this.entryIndex);
    this.exitIndex = i32(this.exitIndex);
    this.entryPrice = f64(this.entryPrice);
    this.exitPrice = f64(this.exitPrice);
    this.size = f64(this.size);
    this.holdingBars = i32(this.holdingBars);
    this.pnl = f64(this.pnl);
    this.entryEquity = f64(this.entryEquity);
  }
}

/**
 * Makes `result.trades` a getter that materializes `log` on first read and keeps the array (an
 * enumerable property, so spreading and JSON.stringify see it as before); null stays null.
 */
export function withLazyTrades<R extends { readonly trades: readonly Trade[] | null }>(result: R, log: TradeLog | null, symbols: readonly string[]): R {
  if (log === null) return result;
  let trades: Trade[] | null = null;
  Object.defineProperty(result, 'trades', {
    enumerable: true,
    configurable: true,
    get: (): Trade[] => (trades ??= log.toTrades(symbols)),
  });
  return result;
}
