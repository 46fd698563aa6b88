import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { ALERT_CHANNELS, type AlertChannel } from '../alert.types';
import type { AlertChannelSender, ChannelStatus } from './alert-channel';
import { DiscordChannel } from './discord.channel';
import { EmailChannel } from './email.channel';
import { SlackChannel } from './slack.channel';
import { SmsChannel } from './sms.channel';

/** The four channels, each built from its own configuration; a channel without it reports disabled. */
@Injectable()
export class AlertChannelsRegistry {
  private readonly senders: Readonly<Record<AlertChannel, AlertChannelSender>>;

  constructor(@InjectConfig() config: AppConfig) {
    const webhookPolicy = { allowInsecure: config.alertsAllowInsecureWebhooks, allowedAddresses: config.alertsAllowedAddressClasses, timeoutMs: config.alertsChannelTimeoutMs };
    this.senders = {
      email: new EmailChannel(config),
      sms: new SmsChannel(config),
      slack: new SlackChannel(config, webhookPolicy),
      discord: new DiscordChannel(config, webhookPolicy),
    };
  }

  get(channel: AlertChannel): AlertChannelSender {
    return this.senders[channel];
  }

  statuses(): ChannelStatus[] {
    return ALERT_CHANNELS.map((c) => this.senders[c].status());
  }
}
