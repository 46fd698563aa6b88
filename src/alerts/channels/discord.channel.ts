import type { AppConfig } from '../../config/app-config';
import type { AlertMessage } from '../alert.types';
import { headline, type AlertChannelSender, type ChannelStatus } from './alert-channel';
import { webhookUrlIssue } from './target-address.policy';
import { postJson, type WebhookPolicy } from './webhook.client';

/** Discord's message content limit (https://discord.com/developers/docs/resources/webhook#execute-webhook). */
const DISCORD_CONTENT_MAX = 2000;

/**
 * Discord webhooks: POST JSON with `content` (at most 2,000 characters); Discord answers 204 No
 * Content (200 with the message when `?wait=true`). Each subscription's target is its webhook URL.
 */
export class DiscordChannel implements AlertChannelSender {
  readonly channel = 'discord' as const;

  constructor(
    private readonly config: Pick<AppConfig, 'alertsDiscordEnabled' | 'alertsAllowInsecureWebhooks'>,
    private readonly policy: WebhookPolicy,
  ) {}

  status(): ChannelStatus {
    return this.config.alertsDiscordEnabled ? { channel: 'discord', enabled: true } : { channel: 'discord', enabled: false, reason: 'ALERTS_DISCORD_ENABLED is false' };
  }

  checkTarget(target: string): string | null {
    return webhookUrlIssue(target, this.config.alertsAllowInsecureWebhooks);
  }

  async send(target: string, m: AlertMessage): Promise<string | null> {
    const content = `${headline(m)}\n${m.body}`;
    await postJson(target, { content: content.length > DISCORD_CONTENT_MAX ? `${content.slice(0, DISCORD_CONTENT_MAX - 1)}…` : content }, this.policy);
    return null;
  }
}
