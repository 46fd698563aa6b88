import type { EffectiveLimits } from './risk-limits';
import type { RiskMode } from './risk-mode';

/**
 * The pre-trade checks (pure, float64: these are thresholds, not ledger amounts). The controls
 * the SEC market access rule (15c3-5) and FIA's automated-trading guidance list, each denial a
 * typed code the caller gets as `details.reason`.
 */
export const DENIAL_CODES = [
  'MAX_ORDER_QUANTITY',
  'MAX_ORDER_NOTIONAL',
  'PRICE_COLLAR',
  'NO_REFERENCE_PRICE',
  'MAX_POSITION',
  'MAX_GROSS_EXPOSURE',
  'MAX_NET_EXPOSURE',
  'DAILY_LOSS_LIMIT',
  'MAX_OPEN_ORDERS',
  'ORDER_RATE',
  'DUPLICATE_ORDER',
  'RESTRICTED_SYMBOL',
  'RISK_MODE',
] as const;
export type DenialCode = (typeof DENIAL_CODES)[number];

export interface RiskDenial {
  readonly code: DenialCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface OrderFacts {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly quantity: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
}

export interface MarkedHolding {
  readonly symbol: string;
  readonly quantity: number;
  readonly mark: number;
}

/** What the account holds and has working, read in one statement (one snapshot). */
export interface AccountState {
  /** Signed position in the order's symbol. */
  readonly position: number;
  /** Unfilled quantity of open buy / sell orders in the order's symbol (>= 0). */
  readonly openBuy: number;
  readonly openSell: number;
  /** Open orders of the account, every symbol. */
  readonly openOrders: number;
  readonly cash: number;
  /** Non-flat positions of every symbol at their marks. */
  readonly holdings: readonly MarkedHolding[];
  /** The order symbol's reference price (portfolio mark / latest bar) and its age; null: none. */
  readonly reference: number | null;
  readonly referenceAgeMs: number | null;
  /** Equity at the start of the UTC day (previous day's snapshot, else the deposits). */
  readonly dayStartEquity: number;
}

const deny = (code: DenialCode, message: string, details: Record<string, unknown> = {}): RiskDenial => ({ code, message, details });

/** The checks that need nothing but the order and the limits (run first, in memory). */
export function statelessChecks(o: OrderFacts, mode: RiskMode, l: EffectiveLimits): RiskDenial | null {
  if (mode === 'HALTED') return deny('RISK_MODE', 'Trading is halted: no new orders', { mode });
  if (l.restrictedSymbols.has(o.symbol)) return deny('RESTRICTED_SYMBOL', `${o.symbol} is on the restricted list`, { symbol: o.symbol });
  if (l.maxOrderQuantity !== undefined && o.quantity > l.maxOrderQuantity) {
    return deny('MAX_ORDER_QUANTITY', `Quantity ${o.quantity} exceeds the maximum ${l.maxOrderQuantity}`, { limit: l.maxOrderQuantity, quantity: o.quantity });
  }
  return null;
}

/**
 * Whether the order only shrinks the position, counting what is already working on its side:
 * a buy against a short of 100 with 30 bought already working may be at most 70.
 */
export function isReducing(o: OrderFacts, s: Pick<AccountState, 'position' | 'openBuy' | 'openSell'>): boolean {
  if (o.side === 'buy') return s.position < 0 && s.openBuy + o.quantity <= -s.position;
  return s.position > 0 && s.openSell + o.quantity <= s.position;
}

export interface StateCheckOptions {
  readonly mode: RiskMode;
  /** A reference older than this is stale (NO_REFERENCE_PRICE). */
  readonly referenceMaxAgeMs: number;
}

/** Account equity = cash + Σ q·m (a cash account, src/trading/ledger/account.ledger.ts). */
export function equityOf(s: Pick<AccountState, 'cash' | 'holdings'>): number {
  let e = s.cash;
  for (const h of s.holdings) e += h.quantity * h.mark;
  return e;
}

/**
 * The checks over the account's state. Position and exposure limits are worst case: the position
 * as if every working order on the order's side filled, plus this order. A reducing order passes
 * the position, exposure and daily-loss checks (it lowers what they measure), so a limit breach
 * never stops an account from getting smaller.
 */
export function stateChecks(o: OrderFacts, l: EffectiveLimits, s: AccountState, opt: StateCheckOptions): RiskDenial | null {
  const reducing = isReducing(o, s);
  if (opt.mode === 'DEFENSIVE' && !reducing) {
    return deny('RISK_MODE', 'Risk mode DEFENSIVE: reduce-only, and this order does not reduce the position', { mode: opt.mode, position: s.position });
  }
  const needsPrice =
    l.priceCollarPct !== undefined || l.maxOrderNotional !== undefined || l.maxPositionNotional !== undefined || l.maxGrossExposure !== undefined || l.maxNetExposure !== undefined;
  const ref = s.reference;
  if (needsPrice) {
    if (ref === null || !Number.isFinite(ref) || ref <= 0) return deny('NO_REFERENCE_PRICE', `No usable reference price for ${o.symbol}`, { symbol: o.symbol });
    if (s.referenceAgeMs === null || !(s.referenceAgeMs <= opt.referenceMaxAgeMs)) {
      return deny('NO_REFERENCE_PRICE', `The reference price of ${o.symbol} is stale`, { symbol: o.symbol, ageMs: s.referenceAgeMs, maxAgeMs: opt.referenceMaxAgeMs });
    }
  }
  const r = ref as number;
  if (l.priceCollarPct !== undefined) {
    for (const [field, p] of [
      ['limitPrice', o.limitPrice],
      ['stopPrice', o.stopPrice],
    ] as const) {
      if (p === undefined) continue;
      const offPct = (Math.abs(p - r) / r) * 100;
      if (offPct > l.priceCollarPct) {
        return deny('PRICE_COLLAR', `${field} ${p} is ${offPct.toFixed(2)}% from the reference ${r}, beyond the ${l.priceCollarPct}% collar`, {
          field,
          price: p,
          reference: r,
          limit: l.priceCollarPct,
        });
      }
    }
  }
  // A limit order may trade at its limit (the worst case); anything else at the reference.
  const notional = o.quantity * (o.limitPrice ?? r);
  if (l.maxOrderNotional !== undefined && notional > l.maxOrderNotional) {
    return deny('MAX_ORDER_NOTIONAL', `Notional ${notional.toFixed(2)} exceeds the maximum ${l.maxOrderNotional}`, { limit: l.maxOrderNotional, notional });
  }
  if (l.maxOpenOrders !== undefined && s.openOrders + 1 > l.maxOpenOrders) {
    return deny('MAX_OPEN_ORDERS', `${s.openOrders} orders are open; the maximum is ${l.maxOpenOrders}`, { limit: l.maxOpenOrders, open: s.openOrders });
  }
  if (reducing) return null;
  const equity = equityOf(s);
  if (l.dailyLossLimit !== undefined) {
    const loss = s.dayStartEquity - equity;
    if (loss >= l.dailyLossLimit) {
      return deny('DAILY_LOSS_LIMIT', `Today's loss ${loss.toFixed(2)} reached the daily loss limit ${l.dailyLossLimit}`, { limit: l.dailyLossLimit, loss, dayStartEquity: s.dayStartEquity, equity });
    }
  }
  const worst = o.side === 'buy' ? s.position + s.openBuy + o.quantity : s.position - s.openSell - o.quantity;
  const positionNotional = Math.abs(worst) * r;
  if (l.maxPositionNotional !== undefined && positionNotional > l.maxPositionNotional) {
    return deny('MAX_POSITION', `Position notional ${positionNotional.toFixed(2)} in ${o.symbol} would exceed the maximum ${l.maxPositionNotional}`, {
      limit: l.maxPositionNotional,
      positionNotional,
      symbol: o.symbol,
    });
  }
  if (l.maxGrossExposure !== undefined || l.maxNetExposure !== undefined) {
    let gross = 0;
    let net = 0;
    for (const h of s.holdings) {
      if (h.symbol === o.symbol) continue;
      gross += Math.abs(h.quantity * h.mark);
      net += h.quantity * h.mark;
    }
    gross += positionNotional;
    net += worst * r;
    const base = equity > 0 ? equity : 0;
    if (l.maxGrossExposure !== undefined && gross > l.maxGrossExposure * base) {
      return deny('MAX_GROSS_EXPOSURE', `Gross exposure ${gross.toFixed(2)} would exceed ${l.maxGrossExposure} × equity ${base.toFixed(2)}`, { limit: l.maxGrossExposure, gross, equity });
    }
    if (l.maxNetExposure !== undefined && Math.abs(net) > l.maxNetExposure * base) {
      return deny('MAX_NET_EXPOSURE', `Net exposure ${net.toFixed(2)} would exceed ${l.maxNetExposure} × equity ${base.toFixed(2)}`, { limit: l.maxNetExposure, net, equity });
    }
  }
  return null;
}
