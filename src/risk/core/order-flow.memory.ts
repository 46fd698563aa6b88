import type { OrderFacts, RiskDenial } from './pre-trade.checks';

/** The limits the order-flow checks read. */
export interface OrderFlowLimits {
  readonly maxOrdersPerMinute?: number;
  readonly duplicateWindowSeconds?: number;
}

/** A reservation: the denial, or null and how to take the admitted order back. */
export interface OrderFlowReservation {
  readonly denial: RiskDenial | null;
  readonly release: () => void;
}

/** What makes two orders duplicates: the account, side, symbol, quantity and prices. */
export function duplicateKey(accountId: string, o: OrderFacts): string {
  return `${accountId}|${o.side}|${o.symbol}|${o.quantity}|${o.limitPrice ?? ''}|${o.stopPrice ?? ''}`;
}

export function orderRateDenial(count: number, limit: number): RiskDenial {
  return { code: 'ORDER_RATE', message: `${count} orders in the last minute; the maximum is ${limit}`, details: { limit } };
}

export function duplicateDenial(ageMs: number, windowSeconds: number): RiskDenial {
  return {
    code: 'DUPLICATE_ORDER',
    message: `The same order (side, symbol, quantity, price) was sent ${(ageMs / 1000).toFixed(1)} s ago; the window is ${windowSeconds} s`,
    details: { limit: windowSeconds },
  };
}

/**
 * The order-rate throttle and the duplicate-order window (pure, in memory, per process). The
 * gate uses Redis to hold them across processes (src/risk/order-flow.store.ts); this is its
 * fallback while Redis does not answer, kept in step with every order Redis admitted.
 *
 * `reserve` checks both and, when the order passes, counts it at once, before the gate's
 * asynchronous part: two identical orders arriving together cannot both pass the duplicate
 * window. `release` takes a reservation back when a later check denies the order, so denied
 * orders use neither the rate nor the window. The rate is a sliding 60 s window of the account's
 * admitted orders; a duplicate is the same side, symbol, quantity and prices within the window.
 */
export class OrderFlowMemory {
  private readonly times = new Map<string, number[]>();
  private readonly recent = new Map<string, number>();
  private sweepAt = 0;

  reserve(accountId: string, o: OrderFacts, limits: OrderFlowLimits, nowMs: number): OrderFlowReservation {
    const noop = { denial: null, release: () => undefined };
    if (limits.maxOrdersPerMinute === undefined && limits.duplicateWindowSeconds === undefined) return noop;
    this.sweep(nowMs);
    let list: number[] | undefined;
    if (limits.maxOrdersPerMinute !== undefined) {
      list = this.times.get(accountId);
      if (!list) this.times.set(accountId, (list = []));
      let drop = 0;
      while (drop < list.length && list[drop] <= nowMs - 60_000) drop++;
      if (drop > 0) list.splice(0, drop);
      if (list.length >= limits.maxOrdersPerMinute) {
        return { denial: orderRateDenial(list.length, limits.maxOrdersPerMinute), release: () => undefined };
      }
    }
    let key: string | null = null;
    if (limits.duplicateWindowSeconds !== undefined) {
      key = duplicateKey(accountId, o);
      const seen = this.recent.get(key);
      if (seen !== undefined && nowMs - seen < limits.duplicateWindowSeconds * 1000) {
        return { denial: duplicateDenial(nowMs - seen, limits.duplicateWindowSeconds), release: () => undefined };
      }
    }
    const previous = key === null ? undefined : this.recent.get(key);
    if (list) list.push(nowMs);
    if (key !== null) this.recent.set(key, nowMs);
    return {
      denial: null,
      release: () => {
        if (list) {
          const i = list.lastIndexOf(nowMs);
          if (i >= 0) list.splice(i, 1);
        }
        if (key !== null && this.recent.get(key) === nowMs) {
          if (previous === undefined) this.recent.delete(key);
          else this.recent.set(key, previous);
        }
      },
    };
  }

  /** Forgets duplicate keys older than an hour (the longest window worth keeping), at most once a minute. */
  private sweep(nowMs: number): void {
    if (nowMs < this.sweepAt) return;
    this.sweepAt = nowMs + 60_000;
    for (const [k, t] of this.recent) if (nowMs - t > 3_600_000) this.recent.delete(k);
  }
}
