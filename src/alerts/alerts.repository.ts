import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AlertSeverity, RaisedAlert } from './alert-raise.port';
import type { AlertChannel, AlertSubscription, DeliveryStatus } from './alert.types';
import type { RecipientHistory } from './core';
import { SEVERITIES } from './core';

export interface DeliveryRow {
  readonly id: string;
  readonly alertId: string;
  readonly subscriptionId: string | null;
  readonly accountId: string;
  readonly channel: AlertChannel;
  readonly target: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly providerId: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

/** A delivery with what its channel sends, read under the delivery's row lock. */
export interface LockedDelivery extends DeliveryRow {
  readonly rule: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
}

export interface AlertRow {
  readonly id: string;
  readonly rule: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
  readonly accountId: string | null;
  readonly dedupeKey: string;
  readonly data: Record<string, unknown>;
  readonly occurrences: number;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
}

const DELIVERY_COLUMNS = `d.id, d.alert_id AS "alertId", d.subscription_id AS "subscriptionId", d.account_id AS "accountId", d.channel, d.target,
  d.status, d.attempts, d.last_error AS "lastError", d.provider_id AS "providerId", d.created_at AS "createdAt", d.sent_at AS "sentAt"`;
const ALERT_COLUMNS = `a.id, a.rule, a.severity, a.title, a.body, a.account_id AS "accountId", a.dedupe_key AS "dedupeKey", a.data,
  a.occurrences, a.created_at AS "createdAt", a.last_seen_at AS "lastSeenAt"`;
const SUBSCRIPTION_COLUMNS = `id, account_id AS "accountId", channel, min_severity AS "minSeverity", target, created_at AS "createdAt"`;

/** The alerts module's only I/O: raw SQL over alerts, alert_deliveries, alert_subscriptions, alert_loss_streaks. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  inTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Serializes raisers of one (rule, key, account) until their transactions end, so two
   * concurrent raises of the same alert cannot both miss each other in the dedupe check.
   */
  async lockDedupeKey(tx: EntityManager, rule: string, dedupeKey: string, accountId: string | null): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`alert:${rule}:${accountId ?? '*'}:${dedupeKey}`]);
  }

  /** Folds the alert into the newest one with its rule, key and account since `since`; its id, or null when there is none. */
  async foldIntoRecent(tx: EntityManager, rule: string, dedupeKey: string, accountId: string | null, since: Date): Promise<string | null> {
    // TypeORM answers an UPDATE with [rows RETURNING gave, affected count].
    const [rows] = await tx.query<[{ id: string }[], number]>(
      `UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = now()
        WHERE id = (SELECT id FROM alerts WHERE rule = $1 AND dedupe_key = $2 AND account_id IS NOT DISTINCT FROM $3::uuid AND created_at >= $4
                     ORDER BY created_at DESC LIMIT 1)
        RETURNING id`,
      [rule, dedupeKey, accountId, since],
    );
    return rows[0]?.id ?? null;
  }

  async insertAlert(tx: EntityManager, a: RaisedAlert, dedupeKey: string): Promise<string> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO alerts (rule, severity, title, body, account_id, dedupe_key, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
      [a.rule, a.severity, a.title, a.body, a.accountId, dedupeKey, JSON.stringify(a.data ?? {})],
    );
    return rows[0].id;
  }

  /** Subscriptions that get an alert of this account (null: firm-wide, every account's) at this severity. */
  async matchingSubscriptions(tx: EntityManager, accountId: string | null, severity: AlertSeverity): Promise<AlertSubscription[]> {
    const mins = SEVERITIES.slice(0, SEVERITIES.indexOf(severity) + 1);
    return tx.query<AlertSubscription[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions
        WHERE ($1::uuid IS NULL OR account_id = $1) AND min_severity = ANY($2::text[]) ORDER BY created_at, id`,
      [accountId, mins],
    );
  }

  /** What this subscription already had of the rule (not suppressed), for dedupe and throttle. */
  async recipientHistory(tx: EntityManager, subscriptionId: string, rule: string, dedupeKey: string, dedupeSince: Date, throttleSince: Date): Promise<RecipientHistory> {
    const rows = await tx.query<{ same_key: number; same_rule: number }[]>(
      `SELECT count(*) FILTER (WHERE dedupe_key = $3 AND created_at >= $4)::int AS same_key,
              count(*) FILTER (WHERE created_at >= $5)::int AS same_rule
         FROM alert_deliveries
        WHERE subscription_id = $1 AND rule = $2 AND status <> 'suppressed' AND created_at >= LEAST($4::timestamptz, $5::timestamptz)`,
      [subscriptionId, rule, dedupeKey, dedupeSince, throttleSince],
    );
    return { sameKeyInDedupeWindow: rows[0].same_key, sameRuleInThrottleWindow: rows[0].same_rule };
  }

  async insertDelivery(
    tx: EntityManager,
    d: { alertId: string; subscription: AlertSubscription; rule: string; dedupeKey: string; status: 'pending' | 'suppressed'; note: string | null },
  ): Promise<string> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO alert_deliveries (alert_id, subscription_id, account_id, channel, target, rule, dedupe_key, status, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [d.alertId, d.subscription.id, d.subscription.accountId, d.subscription.channel, d.subscription.target, d.rule, d.dedupeKey, d.status, d.note],
    );
    return rows[0].id;
  }

  /** Pending deliveries, oldest first (the outbox sweep). */
  async pendingDeliveryIds(limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM alert_deliveries WHERE status = 'pending' ORDER BY created_at, id LIMIT $1`, [limit]);
    return rows.map((r) => r.id);
  }

  /** The delivery and its alert under the delivery's row lock (held until `tx` ends), or null. */
  async lockDelivery(tx: EntityManager, id: string): Promise<LockedDelivery | null> {
    const rows = await tx.query<LockedDelivery[]>(
      `SELECT ${DELIVERY_COLUMNS}, a.rule, a.severity, a.title, a.body
         FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.id = $1 FOR UPDATE OF d`,
      [id],
    );
    return rows[0] ?? null;
  }

  async markSent(tx: EntityManager, id: string, attempts: number, providerId: string | null): Promise<void> {
    await tx.query(`UPDATE alert_deliveries SET status = 'sent', attempts = $2, provider_id = $3, sent_at = now(), updated_at = now() WHERE id = $1`, [id, attempts, providerId]);
  }

  async suppress(tx: EntityManager, id: string, reason: string): Promise<void> {
    await tx.query(`UPDATE alert_deliveries SET status = 'suppressed', last_error = $2, updated_at = now() WHERE id = $1`, [id, reason]);
  }

  /** Records a failed attempt; `final` marks the delivery failed (no more attempts). */
  async markAttempt(tx: EntityManager, id: string, attempts: number, error: string, final: boolean): Promise<void> {
    await tx.query(`UPDATE alert_deliveries SET status = CASE WHEN $4 THEN 'failed' ELSE status END, attempts = $2, last_error = $3, updated_at = now() WHERE id = $1`, [
      id,
      attempts,
      error.slice(0, 2000),
      final,
    ]);
  }

  // ---- loss streaks -------------------------------------------------------------------------

  /** The account's current run of losing closing fills, locked until `tx` ends. */
  async lossStreakLocked(tx: EntityManager, accountId: string): Promise<number> {
    await tx.query(`INSERT INTO alert_loss_streaks (account_id, losses) VALUES ($1, 0) ON CONFLICT (account_id) DO NOTHING`, [accountId]);
    const rows = await tx.query<{ losses: number }[]>(`SELECT losses FROM alert_loss_streaks WHERE account_id = $1 FOR UPDATE`, [accountId]);
    return rows[0].losses;
  }

  async saveLossStreak(tx: EntityManager, accountId: string, losses: number): Promise<void> {
    await tx.query(`UPDATE alert_loss_streaks SET losses = $2, updated_at = now() WHERE account_id = $1`, [accountId, losses]);
  }

  // ---- subscriptions ------------------------------------------------------------------------

  async insertSubscription(s: { accountId: string; channel: AlertChannel; minSeverity: AlertSeverity; target: string }): Promise<AlertSubscription | null> {
    const rows = await this.db.query<AlertSubscription[]>(
      `INSERT INTO alert_subscriptions (account_id, channel, min_severity, target) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, channel, target) DO NOTHING RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [s.accountId, s.channel, s.minSeverity, s.target],
    );
    return rows[0] ?? null;
  }

  async subscriptions(accountId: string): Promise<AlertSubscription[]> {
    return this.db.query<AlertSubscription[]>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
  }

  /** Deletes the account's subscription; false when it has none with that id. */
  async deleteSubscription(accountId: string, id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows RETURNING gave, affected count].
    const [, affected] = await this.db.query<[unknown[], number]>(`DELETE FROM alert_subscriptions WHERE id = $1 AND account_id = $2 RETURNING id`, [id, accountId]);
    return affected > 0;
  }

  // ---- history ------------------------------------------------------------------------------

  /** The account's alerts and the firm-wide ones, newest first, before `before` (keyset). */
  async history(accountId: string, limit: number, before: { createdAt: Date; id: string } | null): Promise<AlertRow[]> {
    return this.db.query<AlertRow[]>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a
        WHERE (a.account_id = $1 OR a.account_id IS NULL)
          AND ($3::timestamptz IS NULL OR (a.created_at, a.id) < ($3::timestamptz, $4::uuid))
        ORDER BY a.created_at DESC, a.id DESC LIMIT $2`,
      [accountId, limit, before?.createdAt ?? null, before?.id ?? null],
    );
  }

  /** The deliveries of these alerts to this account's subscribers. */
  async deliveriesOf(alertIds: readonly string[], accountId: string): Promise<DeliveryRow[]> {
    if (!alertIds.length) return [];
    return this.db.query<DeliveryRow[]>(`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries d WHERE d.alert_id = ANY($1::uuid[]) AND d.account_id = $2 ORDER BY d.created_at, d.id`, [
      alertIds,
      accountId,
    ]);
  }

  async delivery(id: string): Promise<DeliveryRow | null> {
    const rows = await this.db.query<DeliveryRow[]>(`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries d WHERE d.id = $1`, [id]);
    return rows[0] ?? null;
  }
}
