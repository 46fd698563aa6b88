import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_SPEC, ConfigError, loadConfig, redactUrl } from './app-config';

describe('loadConfig', () => {
  it('starts with zero configuration on documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      role: 'all',
      logLevel: 'info',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/quantdesk',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseAutoCreate: true,
      databaseAutoMigrate: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads and converts given values', () => {
    const c = loadConfig({ PORT: '8080', QUANTDESK_ROLE: 'Worker', DATABASE_AUTO_CREATE: 'no', LOG_LEVEL: 'debug' });
    expect(c.port).toBe(8080);
    expect(c.role).toBe('worker');
    expect(c.databaseAutoCreate).toBe(false);
    expect(c.logLevel).toBe('debug');
  });

  it('trading: paper broker, 100000 of paper cash and a snapshot before midnight UTC by default', () => {
    expect(loadConfig({})).toMatchObject({ tradingBroker: 'paper', equitySnapshotCron: '55 23 * * *' });
    expect(loadConfig({ QUANTDESK_BROKER: 'alpaca' })).toMatchObject({ tradingBroker: 'alpaca' });
  });

  it('market-data feed: off by default (zero-config start stays offline); alpaca with its iex feed, extra symbols as a list', () => {
    expect(loadConfig({})).toMatchObject({ marketDataFeed: 'none', marketDataSymbols: [], alpacaDataFeed: 'iex', alpacaDataStreamUrl: 'wss://stream.data.alpaca.markets/v2' });
    const c = loadConfig({ MARKET_DATA_FEED: 'Alpaca', MARKET_DATA_SYMBOLS: ' AAPL, BRK.B,AAPL,,MSFT ', ALPACA_DATA_FEED: 'sip' });
    expect(c).toMatchObject({ marketDataFeed: 'alpaca', alpacaDataFeed: 'sip' });
    expect(c.marketDataSymbols).toEqual(['AAPL', 'BRK.B', 'MSFT']);
    expect(() => loadConfig({ MARKET_DATA_FEED: 'polygon' })).toThrow(/MARKET_DATA_FEED must be one of none, alpaca/);
    expect(() => loadConfig({ MARKET_DATA_SYMBOLS: 'AAPL,BAD SYMBOL' })).toThrow(/MARKET_DATA_SYMBOLS must be comma-separated symbols.*"BAD SYMBOL"/);
    expect(() => loadConfig({ ALPACA_DATA_STREAM_URL: 'https://stream.data.alpaca.markets/v2' })).toThrow(ConfigError);
  });

  it('Logstash shipping: off by default, tcp://host:port when set', () => {
    expect(loadConfig({})).toMatchObject({ logstashUrl: '', logstashBufferSize: 10000, logstashReconnectMs: 1000 });
    expect(loadConfig({ LOGSTASH_URL: 'tcp://logstash:5000' })).toMatchObject({ logstashUrl: 'tcp://logstash:5000' });
    expect(() => loadConfig({ LOGSTASH_URL: 'http://logstash:5000' })).toThrow(/LOGSTASH_URL must be tcp:\/\/host:port/);
    expect(() => loadConfig({ LOGSTASH_URL: 'tcp://logstash' })).toThrow(/LOGSTASH_URL must be tcp:\/\/host:port/);
    expect(() => loadConfig({ LOGSTASH_BUFFER_SIZE: '0' })).toThrow(ConfigError);
  });

  it('reconciliation: every minute, a new order unknown to the broker is rejected after 30 s', () => {
    expect(loadConfig({})).toMatchObject({ reconciliationEveryMs: 60000, reconciliationNewOrderGraceMs: 30000 });
    expect(loadConfig({ RECONCILIATION_EVERY_MS: '5000', RECONCILIATION_NEW_ORDER_GRACE_MS: '0' })).toMatchObject({ reconciliationEveryMs: 5000, reconciliationNewOrderGraceMs: 0 });
  });

  it.each([
    ['RECONCILIATION_EVERY_MS', '10', /RECONCILIATION_EVERY_MS must be between 1000 and 86400000/],
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be between 1 and 65535/],
    ['QUANTDESK_ROLE', 'boss', /QUANTDESK_ROLE must be one of all, api, worker/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL must use postgres: or postgresql:/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['REDIS_URL', 'http://x', /REDIS_URL must use redis: or rediss:/],
    ['DATABASE_AUTO_MIGRATE', 'maybe', /DATABASE_AUTO_MIGRATE must be true or false/],
    ['BARS_MAINTENANCE_CRON', 'every day', /BARS_MAINTENANCE_CRON must be a five-field cron/],
    ['REDIS_PREFIX', 'has space', /REDIS_PREFIX must be letters/],
    ['QUANTDESK_BROKER', 'Paper Broker', /QUANTDESK_BROKER must be a broker name/],
    ['EQUITY_SNAPSHOT_CRON', 'daily', /EQUITY_SNAPSHOT_CRON must be a five-field cron/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('defaults Alpaca to the paper endpoints with no keys, and never echoes a key in an error', () => {
    const c = loadConfig({});
    expect(c.alpacaBaseUrl).toBe('https://paper-api.alpaca.markets');
    expect(c.alpacaStreamUrl).toBe('wss://paper-api.alpaca.markets/stream');
    expect(c.alpacaKeyId).toBe('');
    expect(c.alpacaSecretKey).toBe('');
    expect(c.alpacaRequestTimeoutMs).toBe(10000);
    expect(c.alpacaMaxRetries).toBe(3);
    expect(() => loadConfig({ ALPACA_SECRET_KEY: 'top secret' })).toThrow(/ALPACA_SECRET_KEY must not contain spaces$/);
    expect(() => loadConfig({ ALPACA_STREAM_URL: 'https://x' })).toThrow(/ALPACA_STREAM_URL must use wss: or ws:/);
    expect(() => loadConfig({ ALPACA_MAX_RETRIES: '50' })).toThrow(/ALPACA_MAX_RETRIES must be between 0 and 20/);
  });

  it('gives the paper broker sensible defaults and reads its variables', () => {
    expect(loadConfig({})).toMatchObject({
      paperLatencyMs: 5,
      paperParticipation: 0.1,
      paperStartingCash: '100000',
      paperCommissionBps: 1,
      paperSlippageBps: 2,
      paperBarTimeframe: '1m',
    });
    const c = loadConfig({ PAPER_LATENCY_MS: '0', PAPER_PARTICIPATION: '1', PAPER_STARTING_CASH: '2500.25', PAPER_COMMISSION_BPS: '0.5', PAPER_BAR_TIMEFRAME: '5m' });
    expect(c).toMatchObject({ paperLatencyMs: 0, paperParticipation: 1, paperStartingCash: '2500.25', paperCommissionBps: 0.5, paperBarTimeframe: '5m' });
  });

  it.each([
    ['PAPER_LATENCY_MS', '-1', /PAPER_LATENCY_MS must be between 0 and 60000/],
    ['PAPER_PARTICIPATION', '0', /PAPER_PARTICIPATION must be > 0 and <= 1/],
    ['PAPER_PARTICIPATION', '1.5', /PAPER_PARTICIPATION must be > 0 and <= 1/],
    ['PAPER_PARTICIPATION', 'ten', /PAPER_PARTICIPATION must be a number/],
    ['PAPER_STARTING_CASH', '0', /PAPER_STARTING_CASH must be a decimal > 0/],
    ['PAPER_STARTING_CASH', '1e5', /PAPER_STARTING_CASH must be a decimal > 0/],
    ['PAPER_COMMISSION_BPS', '-2', /PAPER_COMMISSION_BPS must be >= 0 and <= 1000/],
    ['PAPER_SLIPPAGE_BPS', 'NaN', /PAPER_SLIPPAGE_BPS must be a number/],
    ['PAPER_BAR_TIMEFRAME', 'minute', /PAPER_BAR_TIMEFRAME must be a timeframe/],
  ])('refuses the paper setting %s=%s naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('pre-trade estimate: 20 daily bars, 5 bps spread, square-root impact with k = 1, the broker\'s fees', () => {
    expect(loadConfig({})).toMatchObject({
      expectedCostLookbackDays: 20,
      expectedCostSpreadBps: 5,
      expectedCostImpactCoefficient: 1,
      expectedCostImpactExponent: 0.5,
      expectedCostFeeBps: null,
    });
    expect(loadConfig({ EXPECTED_COST_FEE_BPS: '0', EXPECTED_COST_IMPACT_EXPONENT: '0.6', EXPECTED_COST_LOOKBACK_DAYS: '60' })).toMatchObject({
      expectedCostFeeBps: 0,
      expectedCostImpactExponent: 0.6,
      expectedCostLookbackDays: 60,
    });
    expect(() => loadConfig({ EXPECTED_COST_IMPACT_EXPONENT: '0' })).toThrow(/EXPECTED_COST_IMPACT_EXPONENT must be > 0 and <= 1/);
    expect(() => loadConfig({ EXPECTED_COST_LOOKBACK_DAYS: '2' })).toThrow(/EXPECTED_COST_LOOKBACK_DAYS must be between 3/);
    expect(() => loadConfig({ EXPECTED_COST_FEE_BPS: '-1' })).toThrow(/EXPECTED_COST_FEE_BPS must be >= 0/);
  });

  it('every variable has a default that passes its own check', () => {
    for (const spec of Object.values(CONFIG_SPEC)) {
      expect(() => (spec.parse as (raw: string, name: string) => unknown)(spec.default, spec.name)).not.toThrow();
    }
  });

  it('every variable is documented in README.md', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const missing = Object.values(CONFIG_SPEC)
      .map((s) => s.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('alerts configuration', () => {
  it('defaults to issue 6 thresholds, every channel needing its own settings, https and public targets only', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      alertsSingleLossUsd: [1000, 5000],
      alertsConsecutiveLosses: [5, 10],
      alertsDrawdownPct: [10, 15, 20],
      alertsAllowInsecureWebhooks: false,
      alertsAllowedAddressClasses: [],
      smtpUrl: '',
      smtpHost: '',
      smtpFrom: '',
      smtpAllowInsecure: false,
      twilioAccountSid: '',
      twilioApiBaseUrl: 'https://api.twilio.com',
      alertsRuleWindows: {},
    });
  });

  it('reads thresholds, address classes and per-rule windows', () => {
    const c = loadConfig({
      ALERTS_SINGLE_LOSS_USD: '500,2500.5',
      ALERTS_ALLOW_ADDRESSES: 'Loopback, private',
      ALERTS_RULE_WINDOWS: '{"single_loss":{"dedupeMs":0,"throttleMax":5}}',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    });
    expect(c.alertsSingleLossUsd).toEqual([500, 2500.5]);
    expect(c.alertsAllowedAddressClasses).toEqual(['loopback', 'private']);
    expect(c.alertsRuleWindows).toEqual({ single_loss: { dedupeMs: 0, throttleMax: 5 } });
  });

  it.each([
    ['ALERTS_SINGLE_LOSS_USD', '5000,1000', /ALERTS_SINGLE_LOSS_USD must be 2 ascending positive USD amounts/],
    ['ALERTS_CONSECUTIVE_LOSSES', '5,7.5', /ALERTS_CONSECUTIVE_LOSSES must be 2 ascending positive counts/],
    ['ALERTS_DRAWDOWN_PCT', '10,20', /ALERTS_DRAWDOWN_PCT must be 3 ascending/],
    ['ALERTS_ALLOW_ADDRESSES', 'loopback,anything', /ALERTS_ALLOW_ADDRESSES must list only loopback, private, link-local/],
    ['ALERTS_RULE_WINDOWS', '{"x":{"ttl":1}}', /ALERTS_RULE_WINDOWS x.ttl is not a window field/],
    ['ALERTS_RULE_WINDOWS', '[1]', /ALERTS_RULE_WINDOWS must be a JSON object/],
    ['TWILIO_ACCOUNT_SID', 'AC123', /TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits/],
    ['TWILIO_FROM', '555-1234', /TWILIO_FROM must be an E.164 number/],
    ['SMTP_FROM', 'nobody', /SMTP_FROM must be an email address/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never echoes an SMTP_URL (it carries the password)', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' })).toThrow(/^Invalid configuration: SMTP_URL must be a smtp: or smtps: URL$/);
  });
});

describe('routing venues (QUANTDESK_VENUES)', () => {
  it('defaults to the builtin set of three lit venues and one dark pool', () => {
    const c = loadConfig({});
    expect(c.routingVenues.map((v) => v.kind)).toEqual(['lit', 'lit', 'lit', 'dark']);
    expect(c).toMatchObject({ routingDarkFirst: true, routingMaxRounds: 3, routingRoundIntervalMs: 1000, routingScoreHalfLife: 50, routingScorePriorWeight: 10 });
  });

  const one = {
    name: 'solo',
    kind: 'dark',
    fees: { unit: 'bps', maker: 0, taker: 0.5 },
    latencyMs: 1,
    lotSize: 1,
    fillProbability: 0.4,
    minSize: 100,
    maxSize: 1000,
  };

  it('reads a JSON array inline or from a file', () => {
    expect(loadConfig({ QUANTDESK_VENUES: JSON.stringify([one]) }).routingVenues).toEqual([one]);
    const dir = mkdtempSync(join(tmpdir(), 'venues-'));
    const file = join(dir, 'venues.json');
    writeFileSync(file, JSON.stringify([one]));
    try {
      expect(loadConfig({ QUANTDESK_VENUES: file }).routingVenues).toEqual([one]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    ['[{"name": "x"', /QUANTDESK_VENUES must hold valid JSON/],
    ['/nonexistent/venues.json', /QUANTDESK_VENUES must be builtin, a JSON array of venues or a readable file/],
    [JSON.stringify([{ ...one, fees: { unit: 'bps', maker: 0, taker: 500 } }]), /QUANTDESK_VENUES is invalid: venues\[0\]\.fees\.taker: must be at most 100/],
    [JSON.stringify([{ ...one, minSize: 5000 }]), /venues\[0\]\.maxSize: must be at least minSize/],
  ])('refuses QUANTDESK_VENUES=%s naming the field', (value, message) => {
    expect(() => loadConfig({ QUANTDESK_VENUES: value })).toThrow(message);
  });

  it('checks the routing settings', () => {
    expect(() => loadConfig({ QUANTDESK_ROUTING_MAX_ROUNDS: '0' })).toThrow(/QUANTDESK_ROUTING_MAX_ROUNDS must be between 1 and 20/);
    expect(() => loadConfig({ QUANTDESK_ROUTING_DARK_FIRST: 'sometimes' })).toThrow(/QUANTDESK_ROUTING_DARK_FIRST must be true or false/);
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('::')).toBe('<unparseable url>');
  });
});

describe('risk settings', () => {
  it('defaults: CAUTIOUS at half size, drawdown steps at 10/15/20%, the losing-run rule off, manual recovery, VaR over 1 and 10 days', () => {
    expect(loadConfig({})).toMatchObject({
      riskCautiousMultiplier: 0.5,
      riskDrawdownCautiousPct: 10,
      riskDrawdownDefensivePct: 15,
      riskDrawdownHaltedPct: 20,
      riskConsecutiveLosses: 0,
      riskRecovery: 'manual',
      riskVarHorizonsDays: [1, 10],
      riskSnapshotRetentionDays: 365,
      riskOrderFlowTimeoutMs: 50,
    });
    expect(loadConfig({ RISK_SNAPSHOT_RETENTION_DAYS: '0' }).riskSnapshotRetentionDays).toBe(0);
    expect(() => loadConfig({ RISK_SNAPSHOT_RETENTION_DAYS: '-1' })).toThrow(/RISK_SNAPSHOT_RETENTION_DAYS/);
    expect(() => loadConfig({ RISK_ORDER_FLOW_TIMEOUT_MS: '0' })).toThrow(/RISK_ORDER_FLOW_TIMEOUT_MS/);
  });

  it('parses the horizons list and refuses bad values, naming the variable', () => {
    expect(loadConfig({ RISK_VAR_HORIZONS_DAYS: '1, 5,20' }).riskVarHorizonsDays).toEqual([1, 5, 20]);
    expect(() => loadConfig({ RISK_VAR_HORIZONS_DAYS: '0' })).toThrow(/RISK_VAR_HORIZONS_DAYS/);
    expect(() => loadConfig({ RISK_VAR_HORIZONS_DAYS: '1,x' })).toThrow(ConfigError);
    expect(() => loadConfig({ RISK_RECOVERY: 'sometimes' })).toThrow(/RISK_RECOVERY/);
    expect(() => loadConfig({ RISK_CAUTIOUS_MULTIPLIER: '1.5' })).toThrow(/RISK_CAUTIOUS_MULTIPLIER/);
  });
});
