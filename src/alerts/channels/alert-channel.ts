import type { AlertChannel, AlertMessage } from '../alert.types';

/** Why a channel is off: its configuration is missing (named), or it was switched off. */
export interface ChannelStatus {
  readonly channel: AlertChannel;
  readonly enabled: boolean;
  /** Present when disabled: which settings are missing. */
  readonly reason?: string;
}

/**
 * One way out. `send` throws on failure (the delivery processor retries with backoff); the
 * returned id is the provider's (SMTP message id, Twilio message SID), when it gives one.
 */
export interface AlertChannelSender {
  readonly channel: AlertChannel;
  status(): ChannelStatus;
  /** A problem with the target's shape for this channel (null: fine); checked at subscription time. */
  checkTarget(target: string): string | null;
  send(target: string, message: AlertMessage): Promise<string | null>;
}

/** A failure retrying cannot fix (refused target, 4xx from a webhook): the delivery fails at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The subject / first line every channel uses: `[CRITICAL] title`. */
export function headline(m: AlertMessage): string {
  return `[${m.severity.toUpperCase()}] ${m.title}`;
}
