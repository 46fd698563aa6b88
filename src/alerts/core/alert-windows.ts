/**
 * Deduplication and throttling of deliveries (pure). Both act per rule and per recipient (a
 * subscription): a firm-wide alert reaches each subscriber once per window whatever other
 * subscribers already got.
 *
 * - Dedupe: an alert whose rule and dedupe key a recipient already received (or has pending)
 *   within the rule's dedupe window is not delivered to that recipient again.
 * - Throttle: at most `throttleMax` deliveries of one rule to one recipient within the throttle
 *   window; the rest are recorded, suppressed, and visible in the history.
 */
export interface RuleWindows {
  readonly dedupeMs: number;
  readonly throttleMs: number;
  readonly throttleMax: number;
}

export interface WindowDefaults extends RuleWindows {
  readonly perRule: Readonly<Record<string, Partial<RuleWindows>>>;
}

export function windowsFor(rule: string, d: WindowDefaults): RuleWindows {
  const o = d.perRule[rule] ?? {};
  return { dedupeMs: o.dedupeMs ?? d.dedupeMs, throttleMs: o.throttleMs ?? d.throttleMs, throttleMax: o.throttleMax ?? d.throttleMax };
}

/** What the recipient already has, counted by the repository inside the raiser's transaction. */
export interface RecipientHistory {
  /** Deliveries (not suppressed) of the same rule and dedupe key within the dedupe window. */
  readonly sameKeyInDedupeWindow: number;
  /** Deliveries (not suppressed) of the same rule within the throttle window. */
  readonly sameRuleInThrottleWindow: number;
}

export type DeliveryDecision = { readonly send: true } | { readonly send: false; readonly reason: 'deduplicated' | 'throttled' };

export function decideDelivery(windows: RuleWindows, history: RecipientHistory): DeliveryDecision {
  if (windows.dedupeMs > 0 && history.sameKeyInDedupeWindow > 0) return { send: false, reason: 'deduplicated' };
  if (windows.throttleMs > 0 && history.sameRuleInThrottleWindow >= windows.throttleMax) return { send: false, reason: 'throttled' };
  return { send: true };
}
