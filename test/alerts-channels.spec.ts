import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser, type RaisedAlert } from '../src/alerts/alert-raise.port';
import { EmailChannel } from '../src/alerts/channels/email.channel';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { accountId as toAccountId, brokerOrderId, clientOrderId, fillId, type AccountId } from '../src/common/typed-ids';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import type { OrderSide } from '../src/trading/orders/order.types';
import { OrdersService } from '../src/trading/orders/orders.service';
import { startDiscordServer, startSlackServer, startSmtpServer, startTwilioServer, type RunningHttp, type RunningSmtp } from './support/alert-provider-servers';
import { createTestKey } from './support/market-data-keys';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, startTestApp, type TestApp } from './support/test-app';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  channel: string;
  target: string;
  status: string;
  attempts: number;
  lastError: string | null;
  providerId: string | null;
  sentAt: string | null;
}
interface AlertItem {
  id: string;
  rule: string;
  severity: string;
  title: string;
  occurrences: number;
  deliveries: Delivery[];
}

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-test-token';
const SLACK_PATH = '/services/T0000/B0000/XXXXXXXX';
const DISCORD_PATH = '/api/webhooks/1234567890/abcdefTOKEN';

/**
 * The four channels end to end: alerts raised through ALERT_RAISER (and by the OMS's fills) are
 * delivered by the `alerts` queue to a real SMTP server, and through the twilio library and
 * webhook posts to local servers that check the providers' documented requests exactly.
 */
describe('alerts: channels, subscriptions, history', () => {
  let smtp: RunningSmtp;
  let twilio: RunningHttp;
  let slack: RunningHttp;
  let discord: RunningHttp;
  let t: TestApp;
  let db: DataSource;
  let raiser: AlertRaiser;
  let trader: Record<string, string>;
  let viewer: Record<string, string>;
  let account: string;
  const run = randomUUID().slice(0, 8);
  const slackFail = new Map<string, number>([
    ['/services/flaky', 503],
    ['/services/gone', 404],
  ]);

  beforeAll(async () => {
    smtp = await startSmtpServer('alerts', 's3cret');
    twilio = await startTwilioServer(SID, TOKEN);
    slack = await startSlackServer(SLACK_PATH, slackFail);
    discord = await startDiscordServer(DISCORD_PATH);
    t = await startIsolatedTestApp('alerts-channels', {
      SMTP_URL: `smtp://alerts:s3cret@127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'quantdesk@example.com',
      SMTP_ALLOW_INSECURE: 'true',
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE_URL: twilio.url,
      ALERTS_ALLOW_INSECURE_WEBHOOKS: 'true',
      ALERTS_ALLOW_ADDRESSES: 'loopback',
      ALERTS_DELIVERY_ATTEMPTS: '3',
      ALERTS_DELIVERY_BACKOFF_MS: '50',
      ALERTS_SWEEP_EVERY_MS: '500',
      ALERTS_CONSECUTIVE_LOSSES: '2,3',
      ALERTS_HEALTH_CHECK_MS: '0',
      QUANTDESK_BROKER: 'spec',
    });
    db = t.app.get(DataSource);
    raiser = t.app.get<AlertRaiser>(ALERT_RAISER);
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([smtp?.close(), twilio?.close(), slack?.close(), discord?.close()]);
  });

  const subscribe = (payload: Record<string, unknown>, headers = trader) => t.app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', headers, payload });
  const history = async (): Promise<AlertItem[]> => (await t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=200', headers: trader })).json<{ items: AlertItem[] }>().items;
  /** Waits until no delivery of the alert is pending; its deliveries. */
  async function settled(alertId: string, ms = 15_000): Promise<Delivery[]> {
    const until = Date.now() + ms;
    for (;;) {
      const item = (await history()).find((a) => a.id === alertId);
      if (item && item.deliveries.every((d) => d.status !== 'pending')) return item.deliveries;
      if (Date.now() > until) throw new Error(`alert ${alertId} still has pending deliveries: ${JSON.stringify(item?.deliveries)}`);
      await sleep(100);
    }
  }
  const alert = (over: Partial<RaisedAlert> = {}): RaisedAlert => ({
    rule: 'spec_rule',
    severity: 'critical',
    title: `Spec alert ${randomUUID().slice(0, 8)}`,
    body: 'Something the trader must know.',
    accountId: account,
    ...over,
  });

  it('reports every configured channel enabled', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts/channels', headers: viewer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { channel: 'email', enabled: true },
      { channel: 'sms', enabled: true },
      { channel: 'slack', enabled: true },
      { channel: 'discord', enabled: true },
    ]);
  });

  it('subscriptions: traders only, validated per channel, listed and deleted', async () => {
    expect((await subscribe({ channel: 'email', minSeverity: 'info', target: 'ops@example.com' }, viewer)).statusCode).toBe(403);
    const bad = await subscribe({ channel: 'sms', minSeverity: 'info', target: '555-1234' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: { issues: [{ field: 'target' }] } });
    expect((await subscribe({ channel: 'slack', minSeverity: 'info', target: 'ftp://x/y' })).json()).toMatchObject({ details: { issues: [{ field: 'target' }] } });
    expect((await subscribe({ channel: 'pager', minSeverity: 'info', target: 'x' })).statusCode).toBe(400);
    expect((await subscribe({ channel: 'email', minSeverity: 'info', target: 'ops@example.com', extra: 1 })).statusCode).toBe(400);

    const email = await subscribe({ channel: 'email', minSeverity: 'info', target: 'ops@example.com' });
    expect(email.statusCode).toBe(201);
    account = email.json<{ accountId: string }>().accountId;
    expect((await subscribe({ channel: 'email', minSeverity: 'info', target: 'ops@example.com' })).statusCode).toBe(409);
    expect((await subscribe({ channel: 'sms', minSeverity: 'warning', target: '+14155550100' })).statusCode).toBe(201);
    const slackSub = await subscribe({ channel: 'slack', minSeverity: 'critical', target: `${slack.url}${SLACK_PATH}` });
    expect(slackSub.statusCode).toBe(201);
    // A webhook URL is a credential: shown without its path.
    expect(slackSub.json()).toMatchObject({ channel: 'slack', target: `${slack.url}/…` });
    expect((await subscribe({ channel: 'discord', minSeverity: 'critical', target: `${discord.url}${DISCORD_PATH}` })).statusCode).toBe(201);

    const temp = await subscribe({ channel: 'email', minSeverity: 'critical', target: 'temp@example.com' });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/alerts/subscriptions', headers: trader });
    expect(list.json<unknown[]>()).toHaveLength(5);
    const id = temp.json<{ id: string }>().id;
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/subscriptions/${id}`, headers: trader })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/subscriptions/${id}`, headers: trader })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/alerts/subscriptions/not-a-uuid', headers: trader })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts/subscriptions', headers: trader })).json<unknown[]>()).toHaveLength(4);
  });

  it('delivers a critical alert on all four channels, each request as the provider documents it', async () => {
    const a = alert({ title: 'Drawdown 21% below peak', body: 'Equity 79,000 against a peak of 100,000.' });
    const id = await raiser.raise(a);
    expect(id).not.toBeNull();
    const deliveries = await settled(id!);
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts]).sort()).toEqual([
      ['discord', 'sent', 1],
      ['email', 'sent', 1],
      ['slack', 'sent', 1],
      ['sms', 'sent', 1],
    ]);

    const mail = smtp.mails.find((m) => m.headers.subject === '[CRITICAL] Drawdown 21% below peak');
    expect(mail).toBeDefined();
    expect(mail!.user).toBe('alerts');
    expect(mail!.envelopeFrom).toBe('quantdesk@example.com');
    expect(mail!.envelopeTo).toEqual(['ops@example.com']);
    expect(mail!.headers.to).toBe('ops@example.com');
    expect(mail!.headers.from).toBe('quantdesk@example.com');
    expect(mail!.body).toContain('Equity 79,000 against a peak of 100,000.');
    expect(mail!.body).toContain('Severity: critical');
    expect(deliveries.find((d) => d.channel === 'email')!.providerId).toBe(mail!.headers['message-id']);

    const sms = twilio.requests.filter((r) => r.method === 'POST');
    expect(sms).toHaveLength(1);
    expect(sms[0].path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(sms[0].headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    const form = new URLSearchParams(sms[0].body);
    expect(Object.fromEntries(form)).toEqual({ To: '+14155550100', From: '+15005550006', Body: '[CRITICAL] Drawdown 21% below peak: Equity 79,000 against a peak of 100,000.' });
    expect(deliveries.find((d) => d.channel === 'sms')!.providerId).toBe(`SM${'0'.repeat(31)}1`);

    const slackReq = slack.requests.filter((r) => r.path === SLACK_PATH);
    expect(slackReq).toHaveLength(1);
    expect(slackReq[0].method).toBe('POST');
    expect(JSON.parse(slackReq[0].body)).toEqual({ text: '[CRITICAL] Drawdown 21% below peak\nEquity 79,000 against a peak of 100,000.' });
    expect(discord.requests).toHaveLength(1);
    expect(discord.requests[0].path).toBe(DISCORD_PATH);
    expect(JSON.parse(discord.requests[0].body)).toEqual({ content: '[CRITICAL] Drawdown 21% below peak\nEquity 79,000 against a peak of 100,000.' });
  });

  it('matches severity: info reaches only the info subscriber, warning also the warning one', async () => {
    const info = await raiser.raise(alert({ severity: 'info' }));
    expect((await settled(info!)).map((d) => d.channel)).toEqual(['email']);
    const warning = await raiser.raise(alert({ severity: 'warning' }));
    expect((await settled(warning!)).map((d) => d.channel).sort()).toEqual(['email', 'sms']);
  });

  it('does not send a delivery whose subscription was deleted before it went out', async () => {
    const sub = await subscribe({ channel: 'email', minSeverity: 'critical', target: `gone-${run}@example.com` });
    const alertId = await db.transaction(async (tx) => {
      const id = await raiser.raise(alert(), tx);
      await tx.query(`DELETE FROM alert_subscriptions WHERE id = $1`, [sub.json<{ id: string }>().id]);
      return id;
    });
    const [row] = await db.query<{ status: string; last_error: string }[]>(`SELECT status, last_error FROM alert_deliveries WHERE alert_id = $1 AND target = $2`, [
      alertId,
      `gone-${run}@example.com`,
    ]);
    for (let i = 0; i < 100; i++) {
      const [now] = await db.query<{ status: string; last_error: string }[]>(`SELECT status, last_error FROM alert_deliveries WHERE alert_id = $1 AND target = $2`, [alertId, `gone-${run}@example.com`]);
      Object.assign(row, now);
      if (now.status !== 'pending') break;
      await sleep(50);
    }
    expect(row).toEqual({ status: 'suppressed', last_error: 'unsubscribed' });
    expect(smtp.mails.some((m) => m.envelopeTo.includes(`gone-${run}@example.com`))).toBe(false);
  });

  it('folds the same rule and key within the dedupe window into one alert, delivered once', async () => {
    const a = alert({ severity: 'info', dedupeKey: `dup-${randomUUID()}` });
    const first = await raiser.raise(a);
    expect(await raiser.raise(a)).toBeNull();
    expect(await raiser.raise({ ...a, title: 'same key, other words' })).toBeNull();
    await settled(first!);
    const item = (await history()).find((x) => x.id === first);
    expect(item).toMatchObject({ occurrences: 3 });
    expect(item!.deliveries).toHaveLength(1);
  });

  it('throttles a rule per recipient: past ALERTS_THROTTLE_MAX in the window the rest are suppressed, visibly', async () => {
    // Per-rule windows come from config; this app has the defaults (20 an hour), so use a rule of
    // its own and count: the 21st delivery of the rule to the email subscriber is throttled.
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push((await raiser.raise(alert({ rule: 'spec_throttle', severity: 'info' })))!);
    const last = await settled(ids[20]);
    expect(last).toEqual([expect.objectContaining({ channel: 'email', status: 'suppressed', lastError: 'throttled', attempts: 0 })]);
    expect((await settled(ids[19]))[0].status).toBe('sent');
  });

  it('retries a failing webhook with backoff and marks it failed after the last attempt; a 4xx fails at once', async () => {
    expect((await subscribe({ channel: 'slack', minSeverity: 'critical', target: `${slack.url}/services/flaky` })).statusCode).toBe(201);
    expect((await subscribe({ channel: 'slack', minSeverity: 'critical', target: `${slack.url}/services/gone` })).statusCode).toBe(201);
    // Refused by the address policy: loopback is allowed in this app, private addresses are not.
    const refused = await subscribe({ channel: 'discord', minSeverity: 'critical', target: 'http://10.255.255.1/api/webhooks/1/x' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ details: { issues: [{ field: 'target', reason: expect.stringMatching(/10\.255\.255\.1, a private address/) }] } });
    // A subscription made while its host was allowed is checked again at delivery, at connect time.
    await db.query(
      `INSERT INTO alert_subscriptions (account_id, channel, min_severity, target) VALUES ($1, 'discord', 'critical', 'http://10.255.255.1/api/webhooks/1/x')`,
      [account],
    );
    const counter = async (channel: string, status: string): Promise<number> =>
      Number(new RegExp(`^alert_deliveries_total\\{channel="${channel}",status="${status}"\\} (\\S+)$`, 'm').exec((await t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1] ?? 0);
    const before = { sent: await counter('slack', 'sent'), retry: await counter('slack', 'retry'), failed: await counter('slack', 'failed') };
    const id = await raiser.raise(alert({ title: 'Broker unreachable' }));
    const deliveries = await settled(id!);
    const byTarget = (suffix: string): Delivery => deliveries.find((d) => d.target.startsWith(suffix) || d.lastError?.includes(suffix))!;
    const flaky = deliveries.filter((d) => d.channel === 'slack' && d.lastError?.includes('503'));
    expect(flaky).toEqual([expect.objectContaining({ status: 'failed', attempts: 3 })]);
    expect(slack.requests.filter((r) => r.path === '/services/flaky')).toHaveLength(3);
    expect(deliveries.filter((d) => d.channel === 'slack' && d.lastError?.includes('404'))).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    expect(slack.requests.filter((r) => r.path === '/services/gone')).toHaveLength(1);
    expect(byTarget('resolves to 10.255.255.1')).toMatchObject({ channel: 'discord', status: 'failed', attempts: 1 });
    // The healthy ones still went out.
    expect(deliveries.filter((d) => d.status === 'sent').map((d) => d.channel).sort()).toEqual(['discord', 'email', 'slack', 'sms']);
    // alert_deliveries_total{channel,status} (issue 8): slack sent the healthy one once, retried the
    // flaky one twice before giving up on it, and gave up on the 404 at once.
    expect((await counter('slack', 'sent')) - before.sent).toBe(1);
    expect((await counter('slack', 'retry')) - before.retry).toBe(2);
    expect((await counter('slack', 'failed')) - before.failed).toBe(2);
  });

  it('raises single-loss and consecutive-loss alerts from the fills the OMS applies, in the fill transaction', async () => {
    const brokers = new Map<string, SpecBroker>();
    t.app.get(BrokerRegistry).register('spec', (a) => {
      const b = new SpecBroker();
      brokers.set(a, b);
      return b;
    });
    const oms = t.app.get(OrdersService);
    const acct: AccountId = toAccountId(account);
    let seq = 0;
    const trade = async (side: OrderSide, qty: string, price: string): Promise<void> => {
      const coid = `loss-${randomUUID().slice(0, 8)}-${++seq}`;
      const r = await oms.submit(acct, { clientOrderId: clientOrderId(coid), symbol: 'LOSSY', side, type: 'limit', quantity: new Decimal(qty), limitPrice: new Decimal(1000), timeInForce: 'gtc' });
      expect(r.status).toBe('accepted');
      const boid = brokers.get(acct)!.brokerIdOf(clientOrderId(coid))!;
      const outcome = await oms.applyBrokerFill(acct, {
        fillId: fillId(`LF-${coid}`),
        brokerOrderId: brokerOrderId(boid),
        clientOrderId: clientOrderId(coid),
        symbol: 'LOSSY',
        side,
        quantity: new Decimal(qty),
        price: new Decimal(price),
        commission: new Decimal(0),
        at: new Date(),
      });
      expect(outcome).toBe('applied');
    };
    // Three losing round trips: −1,500 (warning), −200, −6,000 (critical); streaks 1, 2, 3.
    await trade('buy', '100', '100');
    await trade('sell', '100', '85');
    await trade('buy', '100', '100');
    await trade('sell', '100', '98');
    await trade('buy', '100', '100');
    await trade('sell', '100', '40');
    const alerts = (await history()).filter((a) => a.rule === 'single_loss' || a.rule === 'consecutive_losses' || a.rule === 'pnl_swing');
    // The third sell's three alerts share one transaction (one created_at): compare as a set.
    expect(alerts.map((a) => [a.rule, a.severity, a.title]).sort()).toEqual([
      ['single_loss', 'warning', 'Loss of $1500.00 on LOSSY'],
      ['consecutive_losses', 'warning', '2 losing trades in a row'],
      ['single_loss', 'critical', 'Loss of $6000.00 on LOSSY'],
      ['consecutive_losses', 'critical', '3 losing trades in a row'],
      ['pnl_swing', 'warning', 'LOSSY position P&L moved -6000.00'],
    ].sort());
    const [{ losses }] = await db.query<{ losses: number }[]>(`SELECT losses FROM alert_loss_streaks WHERE account_id = $1`, [account]);
    expect(losses).toBe(3);
    // The outbox row and the fill are one transaction: the alert's created_at is that transaction's now().
    const [row] = await db.query<{ same: boolean }[]>(
      `SELECT date_trunc('milliseconds', f.created_at) = a.created_at AS same FROM alerts a JOIN fills f ON f.fill_id = a.data->>'fillId' WHERE a.rule = 'single_loss' LIMIT 1`,
    );
    expect(row).toEqual({ same: true });
    await settled(alerts[0].id);

    // A broker API failure (a submit that times out and that the broker never received) is a critical alert.
    const lost = await oms.submit(acct, { clientOrderId: clientOrderId(`lost-${run}`), symbol: 'LOSTX', side: 'buy', type: 'market', quantity: new Decimal(1), timeInForce: 'day' });
    expect(lost.status).toBe('rejected');
    let failure: AlertItem | undefined;
    for (let i = 0; i < 100 && !failure; i++) {
      failure = (await history()).find((a) => a.rule === 'broker_failure');
      if (!failure) await sleep(50);
    }
    expect(failure).toMatchObject({ severity: 'critical', title: 'Broker spec API failure: BROKER_TIMEOUT' });
  });

  it("pages the history newest first with a cursor, the account's alerts and firm-wide ones only", async () => {
    const other = await raiser.raise(alert({ accountId: null, severity: 'info', title: `firm-wide ${run}` }));
    const stranger = await t.app.get(ApiKeysService).create({ name: 'stranger', role: 'trader', account: `stranger-${run}` });
    const strangerAccount = (await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`stranger-${run}`]))[0].id;
    const hidden = await raiser.raise(alert({ accountId: strangerAccount, title: `someone else's ${run}` }));
    const all = await history();
    expect(all.some((a) => a.id === other)).toBe(true);
    expect(all.some((a) => a.id === hidden)).toBe(false);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AlertItem[]; nextCursor: string | null } = (
        await t.app.inject({ method: 'GET', url: `/api/v1/alerts?limit=7${cursor ? `&cursor=${cursor}` : ''}`, headers: trader })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.id));
    const strangerHistory = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${stranger.key}` } });
    expect(strangerHistory.json<{ items: AlertItem[] }>().items.map((a) => a.id)).toContain(hidden);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts?cursor=bad!', headers: trader })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=0', headers: trader })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401);
  });

  it('email: TLS is required unless SMTP_ALLOW_INSECURE, and the SMTP host passes the address policy', async () => {
    const base = t.config;
    const message = { severity: 'info' as const, rule: 'spec', title: 'tls', body: 'tls' };
    const strict = new EmailChannel({ ...base, smtpAllowInsecure: false });
    // This SMTP server offers no STARTTLS: a channel that requires TLS refuses to send in clear.
    await expect(strict.send('ops@example.com', message)).rejects.toThrow(/STARTTLS/);
    const noLoopback = new EmailChannel({ ...base, alertsAllowedAddressClasses: [] });
    await expect(noLoopback.send('ops@example.com', message)).rejects.toThrow(/127\.0\.0\.1, a loopback address/);
    expect(smtp.mails.some((m) => m.headers.subject === '[INFO] tls')).toBe(false);
  });
});

describe('alerts: channels without configuration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SMTP_URL: '', SMTP_HOST: '', SMTP_FROM: '', TWILIO_ACCOUNT_SID: '', ALERTS_DISCORD_ENABLED: 'false', ALERTS_HEALTH_CHECK_MS: '0' });
  });
  afterAll(() => t.close());

  it('reports them disabled, naming what is missing, and refuses subscriptions to them (400 naming channel)', async () => {
    const trader = { authorization: `Bearer ${await createTestKey(t.app.get(DataSource), 'trader')}` };
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts/channels', headers: trader });
    expect(res.json()).toEqual([
      { channel: 'email', enabled: false, reason: 'not configured: SMTP_URL or SMTP_HOST, SMTP_FROM' },
      { channel: 'sms', enabled: false, reason: 'not configured: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM' },
      { channel: 'slack', enabled: true },
      { channel: 'discord', enabled: false, reason: 'ALERTS_DISCORD_ENABLED is false' },
    ]);
    for (const [channel, target] of [
      ['email', 'ops@example.com'],
      ['sms', '+14155550100'],
      ['discord', 'https://discord.com/api/webhooks/1/x'],
    ]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', headers: trader, payload: { channel, minSeverity: 'info', target } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: { issues: [{ field: 'channel' }] } });
      expect(r.json<{ message: string }>().message).toContain(`channel ${channel} is disabled`);
    }
  });
});
