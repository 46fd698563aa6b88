import type { AppConfig } from '../../config/app-config';
import type { AlertMessage } from '../alert.types';
import { headline, type AlertChannelSender, type ChannelStatus } from './alert-channel';
import { webhookUrlIssue } from './target-address.policy';
import { postJson, type WebhookPolicy } from './webhook.client';

/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks): POST a JSON body with
 * `text`; Slack answers 200 "ok". Each subscription's target is its webhook URL.
 */
export class SlackChannel implements AlertChannelSender {
  readonly channel = 'slack' as const;

  constructor(
    private readonly config: Pick<AppConfig, 'alertsSlackEnabled' | 'alertsAllowInsecureWebhooks'>,
    private readonly policy: WebhookPolicy,
  ) {}

  status(): ChannelStatus {
    return this.config.alertsSlackEnabled ? { channel: 'slack', enabled: true } : { channel: 'slack', enabled: false, reason: 'ALERTS_SLACK_ENABLED is false' };
  }

  checkTarget(target: string): string | null {
    return webhookUrlIssue(target, this.config.alertsAllowInsecureWebhooks);
  }

  async send(target: string, m: AlertMessage): Promise<string | null> {
    await postJson(target, { text: `${headline(m)}\n${m.body}` }, this.policy);
    return null;
  }
}
