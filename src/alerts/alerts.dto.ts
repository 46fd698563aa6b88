import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { IsIn, IsString, MaxLength } from 'class-validator';
import type { AlertSeverity } from './alert-raise.port';
import { ALERT_CHANNELS, DELIVERY_STATUSES, type AlertChannel, type DeliveryStatus } from './alert.types';
import { SEVERITIES } from './core';
import { PageCursor, PageLimit } from '../common/http/keyset-page.decorators';

export const DEFAULT_ALERT_PAGE_SIZE = 50;
export const MAX_ALERT_PAGE_SIZE = 200;

/** POST /api/v1/alerts/subscriptions. The target's shape is checked by its channel (400 naming `target`). */
export class CreateSubscriptionDto {
  @ApiProperty({ enum: ALERT_CHANNELS })
  @IsIn(ALERT_CHANNELS)
  channel!: AlertChannel;

  @ApiProperty({ enum: SEVERITIES, description: 'Alerts at this severity or above' })
  @IsIn(SEVERITIES)
  minSeverity!: AlertSeverity;

  @ApiProperty({ description: 'email: an address; sms: an E.164 number; slack/discord: the incoming webhook URL (https)', example: 'ops@example.com' })
  @IsString()
  @MaxLength(2048)
  target!: string;
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: ALERT_CHANNELS }) channel!: AlertChannel;
  @ApiProperty({ enum: SEVERITIES }) minSeverity!: AlertSeverity;
  @ApiProperty({ description: 'Webhook URLs are shown with their path hidden (they are credentials)' }) target!: string;
  @ApiProperty() createdAt!: string;
}

export class ChannelStatusDto {
  @ApiProperty({ enum: ALERT_CHANNELS }) channel!: AlertChannel;
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({ description: 'Why it is disabled: the missing settings' }) reason?: string;
}

export class AlertHistoryQueryDto {
  @PageLimit(MAX_ALERT_PAGE_SIZE, DEFAULT_ALERT_PAGE_SIZE)
  limit?: number;

  @PageCursor(200)
  cursor?: string;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Null once the subscription was deleted' }) subscriptionId!: string | null;
  @ApiProperty({ enum: ALERT_CHANNELS }) channel!: AlertChannel;
  @ApiProperty() target!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'suppressed: deduplicated or throttled for this recipient (lastError says which)' }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'SMTP Message-ID or Twilio message SID' }) providerId!: string | null;
  @ApiPropertyOptional({ nullable: true }) sentAt!: string | null;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() rule!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Null: firm-wide' }) accountId!: string | null;
  @ApiProperty() dedupeKey!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ description: 'How often it was raised within its dedupe window (folded into this row)' }) occurrences!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty({ type: [DeliveryDto], description: "Deliveries to the caller's account's subscriptions, per channel and target" }) deliveries!: DeliveryDto[];
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}
