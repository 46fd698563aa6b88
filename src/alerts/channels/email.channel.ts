import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '../../config/app-config';
import type { AlertMessage } from '../alert.types';
import { headline, type AlertChannelSender, type ChannelStatus } from './alert-channel';
import { assertAllowedHost, dnsResolver, type HostResolver } from './target-address.policy';

type EmailConfig = Pick<
  AppConfig,
  'smtpUrl' | 'smtpHost' | 'smtpPort' | 'smtpUser' | 'smtpPass' | 'smtpFrom' | 'smtpAllowInsecure' | 'alertsAllowedAddressClasses' | 'alertsChannelTimeoutMs'
>;

interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (smtps://, port 465). */
  readonly secure: boolean;
  readonly user: string;
  readonly pass: string;
}

/** SMTP_URL wins over SMTP_HOST/PORT/USER/PASS; null when neither names a host. */
export function smtpSettings(c: EmailConfig): SmtpSettings | null {
  if (c.smtpUrl) {
    const u = new URL(c.smtpUrl);
    const secure = u.protocol === 'smtps:';
    return {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || (secure ? 465 : 587)),
      secure,
      user: decodeURIComponent(u.username),
      pass: decodeURIComponent(u.password),
    };
  }
  if (!c.smtpHost) return null;
  return { host: c.smtpHost, port: c.smtpPort, secure: c.smtpPort === 465, user: c.smtpUser, pass: c.smtpPass };
}

/** RFC 5321 mailbox, simplified: one @, no spaces or angle brackets, a dotted or bracketed domain. */
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

/**
 * Email through nodemailer's SMTP transport. TLS is required (implicit on smtps:// / 465,
 * otherwise STARTTLS with `requireTLS`) unless SMTP_ALLOW_INSECURE. The SMTP host passes the
 * target address policy; nodemailer then connects to the checked address (the name is kept for
 * TLS's SNI and certificate check), so the check and the connection see the same address.
 */
export class EmailChannel implements AlertChannelSender {
  readonly channel = 'email' as const;

  constructor(
    private readonly config: EmailConfig,
    private readonly resolve: HostResolver = dnsResolver,
  ) {}

  status(): ChannelStatus {
    const missing: string[] = [];
    if (!smtpSettings(this.config)) missing.push('SMTP_URL or SMTP_HOST');
    if (!this.config.smtpFrom) missing.push('SMTP_FROM');
    return missing.length ? { channel: 'email', enabled: false, reason: `not configured: ${missing.join(', ')}` } : { channel: 'email', enabled: true };
  }

  checkTarget(target: string): string | null {
    return EMAIL.test(target) ? null : 'must be an email address';
  }

  async send(target: string, m: AlertMessage): Promise<string | null> {
    const s = smtpSettings(this.config);
    if (!s) throw new Error('email channel is not configured');
    const [address] = await assertAllowedHost(s.host, this.config.alertsAllowedAddressClasses, this.resolve);
    const timeout = this.config.alertsChannelTimeoutMs;
    const transport = createTransport({
      host: address,
      port: s.port,
      secure: s.secure,
      requireTLS: !s.secure && !this.config.smtpAllowInsecure,
      // SNI and the certificate check use the name (RFC 6066 allows no IP address as a server name).
      tls: isIP(s.host) ? {} : { servername: s.host },
      auth: s.user ? { user: s.user, pass: s.pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    try {
      const info = await transport.sendMail({
        from: this.config.smtpFrom,
        to: target,
        subject: headline(m),
        text: `${m.body}\n\nRule: ${m.rule}\nSeverity: ${m.severity}\n`,
      });
      return typeof info.messageId === 'string' ? info.messageId : null;
    } finally {
      transport.close();
    }
  }
}
