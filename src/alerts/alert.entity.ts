import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AlertSeverity } from './alert-raise.port';
import type { AlertChannel, DeliveryStatus } from './alert.types';

/** One raised alert (`alerts`), written in the raiser's transaction: the outbox row. */
@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) rule!: string;
  @Column({ type: 'text' }) severity!: AlertSeverity;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) body!: string;
  /** Null: firm-wide. */
  @Column({ name: 'account_id', type: 'uuid', nullable: true }) accountId!: string | null;
  @Column({ name: 'dedupe_key', type: 'text' }) dedupeKey!: string;
  @Column({ type: 'jsonb' }) data!: Record<string, unknown>;
  /** Raised again within the dedupe window: folded into this row. */
  @Column({ type: 'integer' }) occurrences!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt!: Date;
}

/** One alert to one subscription's target (`alert_deliveries`); its status is the truth about sending. */
@Entity({ name: 'alert_deliveries' })
export class AlertDeliveryEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'alert_id', type: 'uuid' }) alertId!: string;
  @Column({ name: 'subscription_id', type: 'uuid', nullable: true }) subscriptionId!: string | null;
  @Column({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @Column({ type: 'text' }) channel!: AlertChannel;
  @Column({ type: 'text' }) target!: string;
  @Column({ type: 'text' }) rule!: string;
  @Column({ name: 'dedupe_key', type: 'text' }) dedupeKey!: string;
  @Column({ type: 'text' }) status!: DeliveryStatus;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  /** The provider's id of what was sent (SMTP Message-ID, Twilio message SID). */
  @Column({ name: 'provider_id', type: 'text', nullable: true }) providerId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A trader's subscription: alerts of their account (and firm-wide ones) at minSeverity or above, on a channel. */
@Entity({ name: 'alert_subscriptions' })
export class AlertSubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @Column({ type: 'text' }) channel!: AlertChannel;
  @Column({ name: 'min_severity', type: 'text' }) minSeverity!: AlertSeverity;
  @Column({ type: 'text' }) target!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
