import twilio from 'twilio';
import type { AppConfig } from '../../config/app-config';
import type { AlertMessage } from '../alert.types';
import { headline, PermanentDeliveryError, type AlertChannelSender, type ChannelStatus } from './alert-channel';

type SmsConfig = Pick<AppConfig, 'twilioAccountSid' | 'twilioAuthToken' | 'twilioFrom' | 'twilioApiBaseUrl' | 'alertsChannelTimeoutMs'>;

type TwilioRequestOptions<TData> = import('twilio/lib/base/RequestClient').RequestOptions<TData>;
type TwilioResponse<TData> = import('twilio/lib/http/response').default<TData>;

/** Twilio's REST root, which the library writes into every request URI. */
const TWILIO_ORIGIN = 'https://api.twilio.com';
/** One SMS segment is 160 GSM-7 characters; Twilio splits longer bodies, alerts stay within 3. */
const SMS_MAX = 480;
/** E.164: a + and up to 15 digits (ITU-T E.164). */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The twilio library's own HTTP client with the REST root swapped for TWILIO_API_BASE_URL (the
 * library's supported `httpClient` option): the library still builds the documented request
 * (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the account SID
 * and auth token, form fields To, From, Body); only where it goes changes.
 */
export class TwilioBaseUrlClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, autoRetry: false });
  }

  override request<TData>(opts: TwilioRequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const uri = opts.uri.startsWith(TWILIO_ORIGIN) ? `${this.baseUrl.replace(/\/$/, '')}${opts.uri.slice(TWILIO_ORIGIN.length)}` : opts.uri;
    return super.request<TData>({ ...opts, uri });
  }
}

/**
 * SMS through Twilio's Messages API with the twilio library. Disabled unless TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN and TWILIO_FROM are all set. Targets are E.164 numbers.
 */
export class SmsChannel implements AlertChannelSender {
  readonly channel = 'sms' as const;
  private client: ReturnType<typeof twilio> | null = null;

  constructor(private readonly config: SmsConfig) {}

  status(): ChannelStatus {
    const missing = (
      [
        ['TWILIO_ACCOUNT_SID', this.config.twilioAccountSid],
        ['TWILIO_AUTH_TOKEN', this.config.twilioAuthToken],
        ['TWILIO_FROM', this.config.twilioFrom],
      ] as const
    )
      .filter(([, v]) => !v)
      .map(([k]) => k);
    return missing.length ? { channel: 'sms', enabled: false, reason: `not configured: ${missing.join(', ')}` } : { channel: 'sms', enabled: true };
  }

  checkTarget(target: string): string | null {
    return E164.test(target) ? null : 'must be a phone number in E.164 form, e.g. +14155550100';
  }

  async send(target: string, m: AlertMessage): Promise<string | null> {
    if (!this.status().enabled) throw new Error('sms channel is not configured');
    this.client ??= twilio(this.config.twilioAccountSid, this.config.twilioAuthToken, {
      httpClient: new TwilioBaseUrlClient(this.config.twilioApiBaseUrl, this.config.alertsChannelTimeoutMs),
    });
    const text = `${headline(m)}: ${m.body}`;
    try {
      const message = await this.client.messages.create({ to: target, from: this.config.twilioFrom, body: text.length > SMS_MAX ? `${text.slice(0, SMS_MAX - 1)}…` : text });
      return message.sid;
    } catch (err) {
      // Twilio's RestException carries the HTTP status: 4xx other than 429 will not get better.
      const status = (err as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) throw new PermanentDeliveryError(`twilio answered ${status}: ${(err as Error).message}`);
      throw err;
    }
  }
}
