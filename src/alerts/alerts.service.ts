import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { PermanentDeliveryError } from './channels/alert-channel';
import { assertAllowedHost } from './channels/target-address.policy';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain-error';
import type { AlertChannel, AlertSubscription } from './alert.types';
import { AlertChannelsRegistry } from './channels/alert-channels.registry';
import { AlertsRepository, type DeliveryRow } from './alerts.repository';
import { DEFAULT_ALERT_PAGE_SIZE, type AlertDto, type AlertHistoryQueryDto, type AlertPageDto, type ChannelStatusDto, type CreateSubscriptionDto, type DeliveryDto, type SubscriptionDto } from './alerts.dto';

/** Subscriptions, channel status and the history, for the caller's own account. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly repo: AlertsRepository,
    private readonly channels: AlertChannelsRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  channelStatuses(): ChannelStatusDto[] {
    return this.channels.statuses().map((s) => ({ ...s }));
  }

  async subscribe(principal: Principal, dto: CreateSubscriptionDto): Promise<SubscriptionDto> {
    const sender = this.channels.get(dto.channel);
    const status = sender.status();
    if (!status.enabled) {
      throw new ValidationFailedError(`Invalid request: channel ${dto.channel} is disabled`, [{ field: 'channel', reason: `channel ${dto.channel} is disabled (${status.reason ?? 'off'})` }]);
    }
    const target = dto.target.trim();
    const issue = sender.checkTarget(target);
    if (issue) throw new ValidationFailedError(`Invalid request: target ${issue}`, [{ field: 'target', reason: `target ${issue}` }]);
    const refused = await this.addressRefusal(dto.channel, target);
    if (refused) throw new ValidationFailedError(`Invalid request: target ${refused}`, [{ field: 'target', reason: `target ${refused}` }]);
    const created = await this.repo.insertSubscription({ accountId: principal.accountId, channel: dto.channel, minSeverity: dto.minSeverity, target });
    if (!created) throw new ConflictError(`The account already has a ${dto.channel} subscription to that target`, { channel: dto.channel });
    return subscriptionDto(created);
  }

  /**
   * A webhook whose host resolves to a refused address class is refused at once (400), for early
   * feedback; delivery checks again at connect time, since DNS can change. A name that does not
   * resolve now is not refused here (that may pass).
   */
  private async addressRefusal(channel: AlertChannel, target: string): Promise<string | null> {
    if (channel !== 'slack' && channel !== 'discord') return null;
    try {
      await assertAllowedHost(new URL(target).hostname, this.config.alertsAllowedAddressClasses);
      return null;
    } catch (err) {
      return err instanceof PermanentDeliveryError ? err.message.replace(/^target /, 'host ') : null;
    }
  }

  async subscriptions(principal: Principal): Promise<SubscriptionDto[]> {
    return (await this.repo.subscriptions(principal.accountId)).map(subscriptionDto);
  }

  async unsubscribe(principal: Principal, id: string): Promise<void> {
    if (!(await this.repo.deleteSubscription(principal.accountId, id))) throw new NotFoundError('Alert subscription', id);
  }

  async history(principal: Principal, q: AlertHistoryQueryDto): Promise<AlertPageDto> {
    const limit = q.limit ?? DEFAULT_ALERT_PAGE_SIZE;
    const before = q.cursor ? decodeCursor(q.cursor) : null;
    const rows = await this.repo.history(principal.accountId, limit + 1, before);
    const page = rows.slice(0, limit);
    const deliveries = await this.repo.deliveriesOf(
      page.map((a) => a.id),
      principal.accountId,
    );
    const byAlert = new Map<string, DeliveryDto[]>();
    for (const d of deliveries) {
      const list = byAlert.get(d.alertId) ?? [];
      list.push(deliveryDto(d));
      byAlert.set(d.alertId, list);
    }
    const items: AlertDto[] = page.map((a) => ({
      id: a.id,
      rule: a.rule,
      severity: a.severity,
      title: a.title,
      body: a.body,
      accountId: a.accountId,
      dedupeKey: a.dedupeKey,
      data: a.data,
      occurrences: a.occurrences,
      createdAt: a.createdAt.toISOString(),
      lastSeenAt: a.lastSeenAt.toISOString(),
      deliveries: byAlert.get(a.id) ?? [],
    }));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }
}

/**
 * A webhook URL is its own credential (anyone holding it can post): answers show its origin and
 * hide the path. Email addresses and phone numbers are shown as given.
 */
export function displayTarget(channel: AlertChannel, target: string): string {
  if (channel !== 'slack' && channel !== 'discord') return target;
  try {
    return `${new URL(target).origin}/…`;
  } catch {
    return '…';
  }
}

function subscriptionDto(s: AlertSubscription): SubscriptionDto {
  return { id: s.id, accountId: s.accountId, channel: s.channel, minSeverity: s.minSeverity, target: displayTarget(s.channel, s.target), createdAt: s.createdAt.toISOString() };
}

function deliveryDto(d: DeliveryRow): DeliveryDto {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    channel: d.channel,
    target: displayTarget(d.channel, d.target),
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    providerId: d.providerId,
    sentAt: d.sentAt ? d.sentAt.toISOString() : null,
  };
}

/** Keyset cursor: the last item's (created_at, id), base64url; microseconds are kept by the ISO text of the row. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) {
    throw new ValidationFailedError('Invalid request: cursor must be a cursor this API returned', [{ field: 'cursor', reason: 'cursor must be a cursor this API returned' }]);
  }
  return { createdAt, id };
}
