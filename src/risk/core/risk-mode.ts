/**
 * Risk modes (pure), after nautilus_trader's ACTIVE / REDUCING / HALTED trading states with one
 * step more:
 * - NORMAL: everything the limits allow;
 * - CAUTIOUS: orders as NORMAL, but strategy sizing is multiplied by the cautious multiplier
 *   (default 0.5);
 * - DEFENSIVE: reduce-only: only orders that shrink a position (with what is already working);
 * - HALTED: no new order at all; cancels are still allowed. Left by an admin only.
 */
export const RISK_MODES = ['NORMAL', 'CAUTIOUS', 'DEFENSIVE', 'HALTED'] as const;
export type RiskMode = (typeof RISK_MODES)[number];

/** Higher is more restrictive. */
export function modeSeverity(m: RiskMode): number {
  return RISK_MODES.indexOf(m);
}

/** The more restrictive of two modes (firm-wide and account modes both apply). */
export function stricterMode(a: RiskMode, b: RiskMode): RiskMode {
  return modeSeverity(a) >= modeSeverity(b) ? a : b;
}

/** Drawdown thresholds as negative fractions of the equity peak (-0.10 is 10% below the peak). */
export interface DrawdownThresholds {
  readonly cautious: number;
  readonly defensive: number;
  readonly halted: number;
}

export const DEFAULT_DRAWDOWN_THRESHOLDS: DrawdownThresholds = { cautious: -0.1, defensive: -0.15, halted: -0.2 };

/** The mode a drawdown calls for: at or past a threshold steps down to its mode. */
export function modeForDrawdown(drawdown: number, t: DrawdownThresholds): RiskMode {
  if (!Number.isFinite(drawdown)) return 'NORMAL';
  if (drawdown <= t.halted) return 'HALTED';
  if (drawdown <= t.defensive) return 'DEFENSIVE';
  if (drawdown <= t.cautious) return 'CAUTIOUS';
  return 'NORMAL';
}

export type RecoveryPolicy = 'manual' | 'auto';

export interface TransitionRules {
  readonly drawdown: DrawdownThresholds;
  /** After this many losing closing trades in a row the account goes DEFENSIVE (0: off). */
  readonly consecutiveLosses: number;
  readonly recovery: RecoveryPolicy;
  /**
   * Hysteresis of `auto` recovery, as a fraction of equity: a step back up happens only once the
   * drawdown is this much shallower than the threshold that caused the step down (so a
   * drawdown hovering at -10% does not flip CAUTIOUS ↔ NORMAL on every mark).
   */
  readonly recoveryHysteresis: number;
}

export interface AccountRiskFacts {
  /** Current drawdown from the equity peak (<= 0). */
  readonly drawdown: number;
  readonly consecutiveLosses: number;
  /** The daily loss limit is set and today's loss reached it. */
  readonly dailyLossLimitHit: boolean;
}

export interface TransitionDecision {
  readonly to: RiskMode;
  readonly reason: string;
}

/**
 * The automatic transition, if any, from `current` given the facts. Steps down (more
 * restrictive) whenever a rule calls for a stricter mode; never leaves HALTED; steps back up only
 * under the `auto` policy, to the mode the drawdown (with hysteresis) and the other rules allow.
 */
export function automaticTransition(current: RiskMode, f: AccountRiskFacts, rules: TransitionRules): TransitionDecision | null {
  const reasons: [RiskMode, string][] = [];
  const dd = modeForDrawdown(f.drawdown, rules.drawdown);
  if (dd !== 'NORMAL') reasons.push([dd, `drawdown ${(f.drawdown * 100).toFixed(2)}% from the equity peak`]);
  if (rules.consecutiveLosses > 0 && f.consecutiveLosses >= rules.consecutiveLosses) reasons.push(['DEFENSIVE', `${f.consecutiveLosses} consecutive losing trades`]);
  if (f.dailyLossLimitHit) reasons.push(['DEFENSIVE', 'daily loss limit reached']);
  let target: RiskMode = 'NORMAL';
  let reason = '';
  for (const [m, r] of reasons) {
    if (modeSeverity(m) > modeSeverity(target)) {
      target = m;
      reason = r;
    }
  }
  if (modeSeverity(target) > modeSeverity(current)) return { to: target, reason };
  if (current === 'HALTED' || rules.recovery === 'manual' || modeSeverity(target) >= modeSeverity(current)) return null;
  // auto recovery: the drawdown must clear the current mode's threshold by the hysteresis.
  const relaxed = modeForDrawdown(f.drawdown - rules.recoveryHysteresis, rules.drawdown);
  const up = stricterMode(target, relaxed);
  if (modeSeverity(up) >= modeSeverity(current)) return null;
  return { to: up, reason: `recovered: drawdown ${(f.drawdown * 100).toFixed(2)}% from the equity peak` };
}

/** Sizing multiplier of a mode: CAUTIOUS scales, DEFENSIVE and HALTED size nothing new. */
export function modeSizingMultiplier(m: RiskMode, cautiousMultiplier: number): number {
  switch (m) {
    case 'NORMAL':
      return 1;
    case 'CAUTIOUS':
      return cautiousMultiplier;
    default:
      // Reduce-only and halted: the gate decides what may go out; sizing stays as CAUTIOUS so a
      // reducing order is not blown up, and new exposure is refused by the gate anyway.
      return cautiousMultiplier;
  }
}
