import { decideDelivery, windowsFor, type WindowDefaults } from './alert-windows';

const defaults: WindowDefaults = { dedupeMs: 900_000, throttleMs: 3_600_000, throttleMax: 3, perRule: { single_loss: { dedupeMs: 0, throttleMax: 10 } } };

describe('dedupe and throttle windows', () => {
  it('takes per-rule overrides field by field, the global windows for the rest', () => {
    expect(windowsFor('drawdown', defaults)).toEqual({ dedupeMs: 900_000, throttleMs: 3_600_000, throttleMax: 3 });
    expect(windowsFor('single_loss', defaults)).toEqual({ dedupeMs: 0, throttleMs: 3_600_000, throttleMax: 10 });
  });

  it('a recipient who already has the same rule and key in the window is not sent it again', () => {
    const w = windowsFor('drawdown', defaults);
    expect(decideDelivery(w, { sameKeyInDedupeWindow: 0, sameRuleInThrottleWindow: 0 })).toEqual({ send: true });
    expect(decideDelivery(w, { sameKeyInDedupeWindow: 1, sameRuleInThrottleWindow: 1 })).toEqual({ send: false, reason: 'deduplicated' });
  });

  it('throttles at throttleMax deliveries of the rule to the recipient within the window', () => {
    const w = windowsFor('drawdown', defaults);
    expect(decideDelivery(w, { sameKeyInDedupeWindow: 0, sameRuleInThrottleWindow: 2 })).toEqual({ send: true });
    expect(decideDelivery(w, { sameKeyInDedupeWindow: 0, sameRuleInThrottleWindow: 3 })).toEqual({ send: false, reason: 'throttled' });
  });

  it('a zero window switches its check off', () => {
    expect(decideDelivery({ dedupeMs: 0, throttleMs: 0, throttleMax: 1 }, { sameKeyInDedupeWindow: 5, sameRuleInThrottleWindow: 5 })).toEqual({ send: true });
  });
});
