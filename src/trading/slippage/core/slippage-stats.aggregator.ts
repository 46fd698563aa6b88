/**
 * Arrival-price slippage statistics per symbol, per venue and overall, from fill records in one
 * pass: each fill's slippage (arrival-slippage.measure.ts) is computed once and added to its
 * symbol's, its venue's and the overall group. Quantiles then come from each group's values by
 * linear-time selection (src/quant/metrics/order-statistics.ts), not a sort.
 *
 * - mean: of the per-fill bps, each fill counting once (the typical fill).
 * - weightedMeanBps: total cost / total arrival notional · 1e4 (what the group cost per unit of
 *   notional traded; large fills weigh more).
 * - median and p95: numpy's default percentile (linear interpolation between order statistics,
 *   Hyndman & Fan 1996 type 7): position (n − 1)·q, as the metrics' VaR uses.
 * - totalCost: sum of the per-fill costs in currency (decimal, exact).
 */
import { Decimal } from '../../../common/decimal';
import { lowerTail, TailHistogram } from '../../../quant/metrics/order-statistics';
import { arrivalSlippage, type FillRecord } from './arrival-slippage.measure';
import { SlippageInputError } from './slippage.errors';

export interface SlippageStats {
  readonly count: number;
  readonly meanBps: number;
  readonly medianBps: number;
  readonly p95Bps: number;
  readonly weightedMeanBps: number;
  /** Currency; positive is a cost. */
  readonly totalCost: Decimal;
  readonly arrivalNotional: Decimal;
}

export interface KeyedSlippageStats extends SlippageStats {
  /** The symbol or venue. */
  readonly key: string;
}

export interface SlippageReport {
  /** Null when there are no fills. */
  readonly overall: SlippageStats | null;
  /** Sorted by key. */
  readonly bySymbol: readonly KeyedSlippageStats[];
  /** Sorted by key. */
  readonly byVenue: readonly KeyedSlippageStats[];
}

/** A group's running totals and its bps values (grown by doubling: no allocation per fill). */
class Group {
  values = new Float64Array(16);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  cost = new Decimal(0);
  notional = new Decimal(0);

  add(bps: number, cost: Decimal, notional: Decimal): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = bps;
    this.sum += bps;
    if (bps < this.min) this.min = bps;
    if (bps > this.max) this.max = bps;
    this.cost = this.cost.plus(cost);
    this.notional = this.notional.plus(notional);
  }

  stats(work: TailHistogram): SlippageStats {
    const x = this.values.subarray(0, this.count);
    return {
      count: this.count,
      meanBps: this.sum / this.count,
      medianBps: percentile(x, 0.5, this.min, this.max, work),
      p95Bps: percentile(x, 0.95, this.min, this.max, work),
      weightedMeanBps: this.cost.div(this.notional).times(10_000).toNumber(),
      totalCost: this.cost,
      arrivalNotional: this.notional,
    };
  }
}

/** numpy `percentile(x, 100q)` (linear): x[k] + (pos − k)·(x[k+1] − x[k]), pos = (n − 1)·q, by selection. */
function percentile(x: Float64Array, q: number, min: number, max: number, work: TailHistogram): number {
  const pos = (x.length - 1) * q;
  const k = Math.floor(pos);
  const t = lowerTail(x, k, min, max, null, work);
  return t.kth + (pos - k) * (t.next - t.kth);
}

function groupOf(groups: Map<string, Group>, key: string): Group {
  let g = groups.get(key);
  if (!g) {
    g = new Group();
    groups.set(key, g);
  }
  return g;
}

function keyed(groups: Map<string, Group>, work: TailHistogram): KeyedSlippageStats[] {
  return [...groups.keys()].sort().map((key) => ({ key, ...groups.get(key)!.stats(work) }));
}

/**
 * Statistics of `fills`, in one pass over them. Throws SlippageInputError naming the field and
 * the fill's index for a record that cannot be measured (missing symbol or venue, bad side,
 * non-positive quantity or price), so a bad row is never averaged in silently.
 */
export function slippageStatistics(fills: Iterable<FillRecord>): SlippageReport {
  const overall = new Group();
  const bySymbol = new Map<string, Group>();
  const byVenue = new Map<string, Group>();
  let index = 0;
  for (const fill of fills) {
    if (typeof fill.symbol !== 'string' || fill.symbol === '') throw new SlippageInputError('symbol', `fill ${index}: symbol must be a non-empty string`, index);
    if (typeof fill.venue !== 'string' || fill.venue === '') throw new SlippageInputError('venue', `fill ${index}: venue must be a non-empty string`, index);
    const s = arrivalSlippage(fill, index);
    overall.add(s.bps, s.cost, s.arrivalNotional);
    groupOf(bySymbol, fill.symbol).add(s.bps, s.cost, s.arrivalNotional);
    groupOf(byVenue, fill.venue).add(s.bps, s.cost, s.arrivalNotional);
    index++;
  }
  const work = new TailHistogram();
  return { overall: overall.count > 0 ? overall.stats(work) : null, bySymbol: keyed(bySymbol, work), byVenue: keyed(byVenue, work) };
}
