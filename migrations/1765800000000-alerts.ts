import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (issue 6): the alert rows (written in the raiser's transaction: the outbox), one delivery
 * row per alert × matching subscription (its status is the truth about sending: pending, sent,
 * failed, or suppressed by deduplication/throttling), the subscriptions, and the per-account loss
 * streak the consecutive-losses rule counts on.
 */
export class Alerts1765800000000 implements MigrationInterface {
  name = 'Alerts1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        title text NOT NULL,
        body text NOT NULL,
        account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- Raised again within the dedupe window: folded into this row, counted here.
        occurrences integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
        -- Milliseconds, as JavaScript dates hold them: the history's keyset cursor round-trips exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alerts_account_idx ON alerts (account_id, created_at DESC)`);
    await q.query(`CREATE INDEX alerts_created_idx ON alerts (created_at DESC)`);
    await q.query(`CREATE INDEX alerts_dedupe_idx ON alerts (rule, dedupe_key, created_at DESC)`);
    await q.query(`
      CREATE TABLE alert_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'slack', 'discord')),
        min_severity text NOT NULL CHECK (min_severity IN ('info', 'warning', 'critical')),
        target text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, channel, target)
      )`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        subscription_id uuid REFERENCES alert_subscriptions(id) ON DELETE SET NULL,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'slack', 'discord')),
        target text NOT NULL,
        rule text NOT NULL,
        dedupe_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        provider_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id)`);
    await q.query(`CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX alert_deliveries_window_idx ON alert_deliveries (subscription_id, rule, created_at DESC)`);
    await q.query(`
      CREATE TABLE alert_loss_streaks (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        losses integer NOT NULL CHECK (losses >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS alert_loss_streaks`);
    await q.query(`DROP TABLE IF EXISTS alert_deliveries`);
    await q.query(`DROP TABLE IF EXISTS alert_subscriptions`);
    await q.query(`DROP TABLE IF EXISTS alerts`);
  }
}
