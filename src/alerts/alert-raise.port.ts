import type { EntityManager } from 'typeorm';

/**
 * How any module raises an alert (DESIGN.md principle 5): the alert row is written in the
 * caller's transaction, next to the state change that caused it (outbox), and goes out to the
 * subscribed channels only after that transaction commits. The alerts module binds ALERT_RAISER;
 * raisers (risk modes, drawdown rules, the OMS's fills, health checks) depend on this port only.
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface RaisedAlert {
  /** The rule that fired, a stable machine word: `drawdown`, `risk_mode_change`, `consecutive_losses`, `single_loss`, `broker_failure`, ... */
  readonly rule: string;
  readonly severity: AlertSeverity;
  /** One line, as a subject or an SMS. */
  readonly title: string;
  readonly body: string;
  /** The account it concerns; null for firm-wide alerts (delivered to every account's subscribers). */
  readonly accountId: string | null;
  /** Alerts with the same rule and key inside the rule's dedupe window are one alert (default: the title). */
  readonly dedupeKey?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface AlertRaiser {
  /**
   * Writes the alert (and its pending deliveries) with `tx` when given, so it commits or rolls
   * back with the caller's change; without `tx` in a transaction of its own. Never throws for a
   * channel problem: delivery is the outbox's job. Returns the alert id, or null when it was
   * folded into an earlier one by deduplication.
   */
  raise(alert: RaisedAlert, tx?: EntityManager): Promise<string | null>;
}

export const ALERT_RAISER = Symbol('ALERT_RAISER');
