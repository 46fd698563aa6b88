import type { AlertSeverity } from './alert-raise.port';

export const ALERT_CHANNELS = ['email', 'sms', 'slack', 'discord'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** A delivery's state: `suppressed` was never sent (deduplicated or throttled, the reason in last_error). */
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface AlertSubscription {
  readonly id: string;
  readonly accountId: string;
  readonly channel: AlertChannel;
  readonly minSeverity: AlertSeverity;
  /** Email address, E.164 phone number, or webhook URL, by channel. */
  readonly target: string;
  readonly createdAt: Date;
}

/** What a channel needs to send one alert to one target. */
export interface AlertMessage {
  readonly severity: AlertSeverity;
  readonly rule: string;
  readonly title: string;
  readonly body: string;
}

/** Rule names the alerts module raises itself (the risk module raises `drawdown` and `risk_mode_change`). */
export const ALERT_RULES = {
  singleLoss: 'single_loss',
  consecutiveLosses: 'consecutive_losses',
  pnlSwing: 'pnl_swing',
  brokerFailure: 'broker_failure',
  redisDown: 'redis_down',
  databaseErrors: 'database_errors',
  drawdown: 'drawdown',
  riskModeChange: 'risk_mode_change',
} as const;
