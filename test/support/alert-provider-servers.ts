import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * Local stand-ins for the alert providers, each speaking the provider's documented wire format
 * and refusing anything else (the refusal reaches the spec as a failed delivery):
 * - SMTP: a real SMTP server (the `smtp-server` package) with AUTH, recording each message;
 * - Twilio: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth (SID:token),
 *   application/x-www-form-urlencoded with To, From, Body; answers 201 with a Message resource;
 * - Slack incoming webhook: POST application/json {"text": ...}; answers 200 "ok";
 * - Discord webhook: POST application/json {"content": ...}; answers 204.
 */

export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly user: string | undefined;
}

export interface RunningSmtp {
  readonly port: number;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpServer(user: string, pass: string): Promise<RunningSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain TCP: the spec runs with SMTP_ALLOW_INSECURE (TLS would need a certificate the test trusts).
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          ...parseMessage(raw),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** RFC 5322 headers (unfolded, lower-cased names) and the body, quoted-printable decoded. */
function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(split + 4);
  if ((headers['content-transfer-encoding'] ?? '').toLowerCase() === 'quoted-printable') {
    body = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface RunningHttp {
  readonly port: number;
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

async function startHttp(handle: (r: ReceivedRequest) => { status: number; body?: string; type?: string }): Promise<RunningHttp> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const out = handle(r);
      res.writeHead(out.status, out.type ? { 'content-type': out.type } : {});
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (status: number, value: unknown) => ({ status, body: JSON.stringify(value), type: 'application/json' });

/** Twilio's Messages API (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource). */
export function startTwilioServer(accountSid: string, authToken: string): Promise<RunningHttp> {
  let n = 0;
  return startHttp((r) => {
    if (r.method !== 'POST' || r.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (r.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`) return json(401, { code: 20003, message: 'Authenticate', status: 401 });
    if (!(r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return json(400, { code: 21000, message: 'form encoding expected', status: 400 });
    const form = new URLSearchParams(r.body);
    const keys = [...form.keys()].sort();
    if (keys.join(',') !== 'Body,From,To') return json(400, { code: 21602, message: `unexpected fields ${keys.join(',')}`, status: 400 });
    const sid = `SM${String(++n).padStart(32, '0')}`;
    return json(201, { sid, account_sid: accountSid, to: form.get('To'), from: form.get('From'), body: form.get('Body'), status: 'queued', api_version: '2010-04-01' });
  });
}

/** Slack incoming webhook: `failWith` makes every request to that path answer the status. */
export function startSlackServer(path: string, failWith: ReadonlyMap<string, number> = new Map()): Promise<RunningHttp> {
  return startHttp((r) => {
    const forced = failWith.get(r.path);
    if (forced) return { status: forced, body: 'forced failure', type: 'text/plain' };
    if (r.method !== 'POST' || r.path !== path) return { status: 404, body: 'no_service', type: 'text/plain' };
    if (r.headers['content-type'] !== 'application/json') return { status: 400, body: 'invalid_payload', type: 'text/plain' };
    const body = JSON.parse(r.body) as Record<string, unknown>;
    if (Object.keys(body).join(',') !== 'text' || typeof body.text !== 'string') return { status: 400, body: 'invalid_payload', type: 'text/plain' };
    return { status: 200, body: 'ok', type: 'text/plain' };
  });
}

/** Discord webhook execute: 204 No Content. */
export function startDiscordServer(path: string): Promise<RunningHttp> {
  return startHttp((r) => {
    if (r.method !== 'POST' || r.path !== path) return json(404, { message: 'Unknown Webhook', code: 10015 });
    if (r.headers['content-type'] !== 'application/json') return json(400, { message: 'Cannot send an empty message', code: 50006 });
    const body = JSON.parse(r.body) as Record<string, unknown>;
    if (Object.keys(body).join(',') !== 'content' || typeof body.content !== 'string' || body.content.length > 2000) return json(400, { message: 'Invalid Form Body', code: 50035 });
    return { status: 204 };
  });
}
