/**
 * Pre-trade limits (pure). Every limit is optional: an absent limit is not checked. Limits are
 * set firm-wide and per account; both apply, so the effective limit of an account is the
 * tighter of the two (`mergeLimits`), and restricted symbols are the union of both lists.
 *
 * Units (what `PUT /api/v1/admin/risk/limits` takes):
 * - maxOrderQuantity: units of the instrument per order;
 * - maxOrderNotional, maxPositionNotional, dailyLossLimit: account currency;
 * - priceCollarPct: percent (5 means a limit or stop price at most 5% away from the reference);
 * - maxGrossExposure, maxNetExposure: multiples of equity (Σ|q·m| / equity and |Σ q·m| / equity;
 *   1 means 100% of equity);
 * - maxOpenOrders, maxOrdersPerMinute: counts; duplicateWindowSeconds: seconds;
 * - restrictedSymbols: symbols no new order may trade (a reducing order included).
 */
export interface RiskLimits {
  readonly maxOrderQuantity?: number;
  readonly maxOrderNotional?: number;
  readonly priceCollarPct?: number;
  readonly maxPositionNotional?: number;
  readonly maxGrossExposure?: number;
  readonly maxNetExposure?: number;
  readonly dailyLossLimit?: number;
  readonly maxOpenOrders?: number;
  readonly maxOrdersPerMinute?: number;
  readonly duplicateWindowSeconds?: number;
  readonly restrictedSymbols?: readonly string[];
}

/** The numeric limit names, in the order the gate checks them. */
export const NUMERIC_LIMITS = [
  'maxOrderQuantity',
  'maxOrderNotional',
  'priceCollarPct',
  'maxPositionNotional',
  'maxGrossExposure',
  'maxNetExposure',
  'dailyLossLimit',
  'maxOpenOrders',
  'maxOrdersPerMinute',
  'duplicateWindowSeconds',
] as const satisfies readonly (keyof RiskLimits)[];

export type NumericLimit = (typeof NUMERIC_LIMITS)[number];

/** Effective limits with the restricted list as a set (what the gate reads per order). */
export interface EffectiveLimits extends Omit<RiskLimits, 'restrictedSymbols'> {
  readonly restrictedSymbols: ReadonlySet<string>;
  /** True when no limit at all is set: the gate skips every check but the risk mode. */
  readonly empty: boolean;
}

/**
 * Firm-wide and account limits together: per numeric limit the smaller (tighter) of the two
 * that are set; the restricted symbols of both.
 */
export function mergeLimits(firm: RiskLimits | undefined, account: RiskLimits | undefined): EffectiveLimits {
  const out: Record<string, number> = {};
  let empty = true;
  for (const k of NUMERIC_LIMITS) {
    const a = firm?.[k];
    const b = account?.[k];
    const v = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (v !== undefined) {
      out[k] = v;
      empty = false;
    }
  }
  const restricted = new Set<string>([...(firm?.restrictedSymbols ?? []), ...(account?.restrictedSymbols ?? [])]);
  if (restricted.size > 0) empty = false;
  return { ...(out as Omit<RiskLimits, 'restrictedSymbols'>), restrictedSymbols: restricted, empty };
}

/** Whether a check needs the account's stored state (positions, open orders, equity, marks). */
export function needsAccountState(l: EffectiveLimits, reduceOnly: boolean): boolean {
  return (
    reduceOnly ||
    l.maxOrderNotional !== undefined ||
    l.priceCollarPct !== undefined ||
    l.maxPositionNotional !== undefined ||
    l.maxGrossExposure !== undefined ||
    l.maxNetExposure !== undefined ||
    l.dailyLossLimit !== undefined ||
    l.maxOpenOrders !== undefined
  );
}
