/**
 * The one configuration object of QuantDesk. Nothing else in the code base reads
 * `process.env`: every setting is declared here with its type, default and check, so
 * that an invalid value stops start-up with a message naming the variable, and the
 * README's configuration table can be checked against this list (see config.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_VENUES, parseVenues, type Venue } from '../trading/routing/core/venue.model';
import { AV_INTERVALS, type AvBarsInterval } from '../data-sources/market-data/alphavantage/core/alphavantage-bars.parser';

export type ProcessRole = 'all' | 'api' | 'worker';
export type MarketDataFeedProvider = 'none' | 'alpaca';
export type AlpacaDataFeed = 'iex' | 'sip';
export type SentimentScorerKind = 'lexicon' | 'llm';
export const ROUTING_EXECUTION_MODES = ['paper', 'venue-simulator'] as const;
export type RoutingExecutionMode = (typeof ROUTING_EXECUTION_MODES)[number];
export interface RedisSentinelAddress {
  readonly host: string;
  readonly port: number;
}
export type LogLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly role: ProcessRole;
  readonly logLevel: LogLevel;
  /** Logstash tcp input (json_lines codec) every log record is also shipped to; empty: off. */
  readonly logstashUrl: string;
  /** Log records kept in memory while Logstash is unreachable (the oldest are dropped beyond). */
  readonly logstashBufferSize: number;
  /** First reconnect delay to Logstash; doubles per failed attempt up to 30 s. */
  readonly logstashReconnectMs: number;
  readonly databaseUrl: string;
  /** Create the database named in DATABASE_URL when it does not exist (needs CREATEDB). */
  readonly databaseAutoCreate: boolean;
  /** Apply pending migrations at start-up. */
  readonly databaseAutoMigrate: boolean;
  readonly databasePoolSize: number;
  /**
   * Read replicas (streaming standbys) of DATABASE_URL. Empty: every query goes to DATABASE_URL.
   * Otherwise only the reads marked as replica-safe (src/database/read-replica.ts) go to one of
   * them; writes, transactions and every other read stay on DATABASE_URL.
   */
  readonly databaseReplicaUrls: readonly string[];
  readonly redisUrl: string;
  /**
   * Redis Sentinels (host:port). Empty: Redis is REDIS_URL's host and port. Otherwise every client
   * asks the Sentinels for the master named `redisSentinelName` (and follows a failover); REDIS_URL
   * then gives only the master's user, password, database number and TLS.
   */
  readonly redisSentinels: readonly RedisSentinelAddress[];
  /** The master name the Sentinels monitor (`sentinel monitor <name> ...`). */
  readonly redisSentinelName: string;
  /** Password of the Sentinels themselves (requirepass in sentinel.conf); empty: none. */
  readonly redisSentinelPassword: string;
  /** Prefix of every Redis key QuantDesk writes (BullMQ queues included). */
  readonly redisPrefix: string;
  /** Optional bearer token /metrics requires; empty means /metrics is open. */
  readonly metricsToken: string;
  /** How long a verified API key stays in the in-process cache (scrypt is slow by design). */
  readonly authCacheTtlMs: number;
  readonly shutdownTimeoutMs: number;
  /** Raw 1-minute bars older than this are deleted by the retention job. 0 keeps them forever. */
  readonly barsMinuteRetentionDays: number;
  /** Plain PostgreSQL: how many months of `bars` partitions to keep created ahead of now. */
  readonly barsPartitionMonthsAhead: number;
  /** Cron of the job that creates next months' partitions and applies retention. */
  readonly barsMaintenanceCron: string;
  /** Plain PostgreSQL: cron of the job that refreshes the 1h/1d aggregate views. */
  readonly barsAggregateRefreshCron: string;
  readonly queueAttempts: number;
  readonly queueBackoffMs: number;
  /** How often running strategy deployments look for new bars (they are also woken by imports). */
  readonly deploymentTickMs: number;
  /** Deployments in mode `live` are refused unless this is set (paper is the default). */
  readonly liveTradingEnabled: boolean;
  /** Alpaca Trading API v2 REST root (paper by default; https://api.alpaca.markets is live money). */
  readonly alpacaBaseUrl: string;
  /** Alpaca's trade-update WebSocket. */
  readonly alpacaStreamUrl: string;
  /** Alpaca API key id and secret; both empty means the Alpaca broker is disabled. */
  readonly alpacaKeyId: string;
  readonly alpacaSecretKey: string;
  /** Per-request timeout of Alpaca REST calls; a submit that times out is resolved by client order id. */
  readonly alpacaRequestTimeoutMs: number;
  /** Retries of a request answered 429 or 5xx (or of a read that timed out) before giving up. */
  readonly alpacaMaxRetries: number;
  /** First 5xx backoff; doubles per attempt, with full jitter. */
  readonly alpacaRetryBaseMs: number;
  /** The longest Retry-After we wait for; a longer one fails at once with BrokerRateLimitedError. */
  readonly alpacaMaxRetryAfterMs: number;
  /** First reconnect delay of the Alpaca streams (trade updates, market data); doubles up to 30 s. */
  readonly alpacaStreamReconnectMs: number;
  /** The live market-data feed: `none` (default: the server stays offline) or `alpaca`. */
  readonly marketDataFeed: MarketDataFeedProvider;
  /** Symbols the feed always subscribes, besides those of running deployments. */
  readonly marketDataSymbols: readonly string[];
  /** Alpaca Market Data v2 real-time stream root; the feed name (iex, sip) is appended. */
  readonly alpacaDataStreamUrl: string;
  /** Alpaca Market Data v2 REST root (the gap backfill's historical bars). */
  readonly alpacaDataUrl: string;
  /** Alpaca's data feed: iex (free) or sip (all US exchanges, a paid subscription). */
  readonly alpacaDataFeed: AlpacaDataFeed;
  /** Data providers (news, social, filings, bars): timeout of one HTTP request. */
  readonly providerTimeoutMs: number;
  /** Data providers: retries after a 429, a 5xx, a timeout or a network error. */
  readonly providerMaxRetries: number;
  /** Data providers: first backoff wait; doubles per attempt, with full jitter. */
  readonly providerRetryBaseMs: number;
  /** Data providers: the longest Retry-After waited for; a longer one fails the request at once. */
  readonly providerMaxRetryAfterMs: number;
  /** Alpha Vantage API root (news sentiment, transcripts, bars share it). */
  readonly alphaVantageUrl: string;
  /** Alpha Vantage API key; empty disables every Alpha Vantage provider. */
  readonly alphaVantageApiKey: string;
  /** Which scorer every ingested item goes through: the VADER + finance lexicon, or an OpenAI-compatible LLM. */
  readonly sentimentScorer: SentimentScorerKind;
  /** OpenAI-compatible API root; POST {llmBaseUrl}/v1/chat/completions. */
  readonly llmBaseUrl: string;
  /** Bearer token of the LLM endpoint (empty: none sent, e.g. a local server). */
  readonly llmApiKey: string;
  /** Model name sent to the LLM endpoint. */
  readonly llmModel: string;
  /** `provider` label of llm_latency_seconds (empty: the host of LLM_BASE_URL). */
  readonly llmProviderName: string;
  /** Items scored per chat-completions request. */
  readonly llmBatchSize: number;
  /** Symbols the Alpha Vantage bars provider fetches (empty: it is disabled). */
  readonly alphaVantageBarsSymbols: readonly string[];
  /** daily (TIME_SERIES_DAILY) or an intraday interval (TIME_SERIES_INTRADAY): 1min, 5min, 15min, 30min, 60min. */
  readonly alphaVantageBarsInterval: AvBarsInterval;
  /** compact (latest 100 bars) or full (the whole history; full intraday is premium). */
  readonly alphaVantageBarsOutputSize: 'compact' | 'full';
  /** Cron (UTC) of the Alpha Vantage bars ingestion. */
  readonly alphaVantageBarsCron: string;
  /** Symbols the Alpaca historical-bars provider fetches (empty: it is disabled). */
  readonly alpacaBarsSymbols: readonly string[];
  /** Alpaca bars: each run reads the 1-minute bars of this many minutes back. */
  readonly alpacaBarsLookbackMinutes: number;
  /** Cron (UTC) of the Alpaca historical-bars ingestion. */
  readonly alpacaBarsCron: string;
  /** How long a page of GET /api/v1/market-data/bars is cached in Redis (ms, 0: off); an import of the symbol invalidates it. */
  readonly cacheBarsTtlMs: number;
  /** Tickers the news providers ask about (Alpha Vantage NEWS_SENTIMENT, NewsAPI) and the symbol universe of extraction. */
  readonly newsSymbols: readonly string[];
  /** Company names mapped to tickers besides the built-in map (company-names.ts), lower-cased. */
  readonly newsCompanyNames: ReadonlyMap<string, string>;
  /** Cron (UTC) of every news provider's fetch. */
  readonly newsCron: string;
  /** RSS 2.0 / Atom feed URLs; empty list (NEWS_RSS_FEEDS=none) disables the rss provider. */
  readonly newsRssFeeds: readonly string[];
  /** NewsAPI root (https://newsapi.org). */
  readonly newsApiUrl: string;
  /** NewsAPI key (X-Api-Key); empty disables the newsapi provider. */
  readonly newsApiKey: string;
  /** NewsAPI requests allowed per UTC day across every process (free tier: 100). */
  readonly newsApiDailyLimit: number;
  /** Symbols the social providers follow (StockTwits streams, X searches) and count in Reddit posts. */
  readonly socialSymbols: readonly string[];
  /** Social providers: most pages one source (stream, search, subreddit) is read per run. */
  readonly socialMaxPages: number;
  /** Social spikes: N, the previous intervals the z-score baseline is measured over. */
  readonly socialSpikeBaseline: number;
  /** Social spikes: |z| at or above which an interval is a spike. */
  readonly socialSpikeZ: number;
  /** Social spikes: fewest mentions an interval needs to be a spike. */
  readonly socialSpikeMinMentions: number;
  /** k of the social sentiment index (bull - bear) / (bull + bear + k). */
  readonly socialIndexSmoothing: number;
  /** StockTwits API root. */
  readonly stocktwitsUrl: string;
  /** StockTwits OAuth access token (optional: raises the rate limit). */
  readonly stocktwitsAccessToken: string;
  /** StockTwits' request budget per hour (200 unauthenticated). */
  readonly stocktwitsRequestsPerHour: number;
  readonly stocktwitsCron: string;
  /** Reddit OAuth token endpoint root (www.reddit.com) and API root (oauth.reddit.com). */
  readonly redditAuthUrl: string;
  readonly redditApiUrl: string;
  /** Reddit app credentials (client credentials grant); both empty: Reddit disabled. */
  readonly redditClientId: string;
  readonly redditClientSecret: string;
  /** The User-Agent Reddit requires (`<platform>:<app id>:<version> (by /u/<user>)`). */
  readonly redditUserAgent: string;
  readonly redditSubreddits: readonly string[];
  readonly redditCron: string;
  /** How long a Reddit listing page is kept in the Redis cache, so reddit (mentions) and reddit-news read one fetch. */
  readonly redditCacheTtlMs: number;
  /** X API v2 root and bearer token (empty: X disabled). */
  readonly xUrl: string;
  readonly xBearerToken: string;
  readonly xCron: string;
  /** SEC EDGAR: the User-Agent SEC requires ("Company contact@example.com"); empty: EDGAR disabled. */
  readonly secUserAgent: string;
  /** SEC EDGAR roots: www.sec.gov (company_tickers.json, filing documents) and data.sec.gov (submissions). */
  readonly secUrl: string;
  readonly secDataUrl: string;
  /** SEC's fair-access limit: at most 10 requests per second. */
  readonly secRequestsPerSecond: number;
  /** Symbols whose filings are ingested. */
  readonly filingsSymbols: readonly string[];
  readonly secCron: string;
  /** Symbols whose earnings-call transcripts are read from Alpha Vantage. */
  readonly transcriptSymbols: readonly string[];
  /** How many past calendar quarters each run looks for (the ones not stored yet). */
  readonly transcriptQuarters: number;
  /** Alpha Vantage request budget of the transcripts provider, per minute. */
  readonly transcriptRequestsPerMinute: number;
  readonly transcriptCron: string;
  /** FINRA Query API root (short interest). */
  readonly finraUrl: string;
  /** Symbols whose FINRA consolidated short interest is read. */
  readonly shortInterestSymbols: readonly string[];
  /** Settlements of the last N days asked for each run. */
  readonly shortInterestLookbackDays: number;
  readonly shortInterestCron: string;
  /** Paper broker: delay before it answers a submit, cancel or replace. */
  readonly paperLatencyMs: number;
  /** Paper broker: largest share of a bar's volume one order takes per bar, in (0, 1]. */
  readonly paperParticipation: number;
  /** Paper broker: cash each paper account starts with (decimal text). */
  readonly paperStartingCash: string;
  /** Paper broker: commission in basis points of traded notional. */
  readonly paperCommissionBps: number;
  /** Paper broker: fixed slippage in basis points, against the order. */
  readonly paperSlippageBps: number;
  /** Paper broker: the `bars` timeframe whose latest bar prices a symbol. */
  readonly paperBarTimeframe: string;
  /** Venues the smart order router knows (src/trading/routing/core/venue.model.ts). */
  readonly routingVenues: readonly Venue[];
  /** Ping dark pools before the lit split when an order qualifies. */
  readonly routingDarkFirst: boolean;
  readonly routingMaxRounds: number;
  readonly routingRoundIntervalMs: number;
  /** Child orders after which a venue's old evidence weighs half. */
  readonly routingScoreHalfLife: number;
  /** How many child orders the configured venue priors are worth. */
  readonly routingScorePriorWeight: number;
  /** What fills routed child orders: the paper broker priced by the venue models, or the pure venue simulator. */
  readonly routingExecution: RoutingExecutionMode;
  /** Longest wait for a paper child order to reach its terminal state before it is cancelled (ms). */
  readonly routingChildTimeoutMs: number;
  /** The broker every account trades through (a name in the BrokerRegistry: paper, alpaca, ...). */
  readonly tradingBroker: string;
  /** Market orders are sent as limits at the arrival price ± this many bps (0: sent as market). */
  readonly protectiveLimitBps: number;
  /** Price increment the protective limit is rounded to (toward the reference). */
  readonly protectiveLimitTick: string;
  /** Pre-trade estimate: daily bars (the newest) its volume and volatility are measured over. */
  readonly expectedCostLookbackDays: number;
  /** Pre-trade estimate: full bid-ask spread in bps when the request gives none (no quote feed). */
  readonly expectedCostSpreadBps: number;
  /** Pre-trade estimate: k of the impact k·σ·(Q/V)^β. */
  readonly expectedCostImpactCoefficient: number;
  /** Pre-trade estimate: β of the impact k·σ·(Q/V)^β, in (0, 1]. */
  readonly expectedCostImpactExponent: number;
  /** Pre-trade estimate: fees in bps of notional; null means the broker's own (PAPER_COMMISSION_BPS on paper, else 0). */
  readonly expectedCostFeeBps: number | null;
  /** Cron (UTC) of the daily equity snapshot of every account. */
  readonly equitySnapshotCron: string;
  /** How often every account with orders is reconciled against its broker (ms). */
  readonly reconciliationEveryMs: number;
  /** A `new` order the broker does not know is rejected ("not received") once this old (ms). */
  readonly reconciliationNewOrderGraceMs: number;
  /** Alerts: folding window of an alert with the same rule and dedupe key, per recipient (ms). */
  readonly alertsDedupeWindowMs: number;
  /** Alerts: per rule and recipient, at most `alertsThrottleMax` deliveries in this window (ms). */
  readonly alertsThrottleWindowMs: number;
  readonly alertsThrottleMax: number;
  /** Alerts: per-rule overrides of the windows above (ALERTS_RULE_WINDOWS). */
  readonly alertsRuleWindows: Readonly<Record<string, AlertRuleWindow>>;
  /** Alerts: delivery attempts of one alert to one recipient before it is marked failed. */
  readonly alertsDeliveryAttempts: number;
  /** Alerts: first retry delay of a delivery; doubles on each attempt (ms). */
  readonly alertsDeliveryBackoffMs: number;
  /** Alerts: how often pending deliveries whose job is missing from Redis are enqueued again (ms). */
  readonly alertsSweepEveryMs: number;
  /** Alerts: timeout of one channel request (SMTP, Twilio, webhook) (ms). */
  readonly alertsChannelTimeoutMs: number;
  /** Alerts: webhook targets may be http:// (otherwise https only). */
  readonly alertsAllowInsecureWebhooks: boolean;
  /** Alerts: address classes a target may resolve to besides public ones (loopback, private, link-local). */
  readonly alertsAllowedAddressClasses: readonly AddressClass[];
  /** Alerts: a single realized loss of at least these (USD) raises warning, then critical. */
  readonly alertsSingleLossUsd: readonly number[];
  /** Alerts: this many losing closing fills in a row raise warning, then critical. */
  readonly alertsConsecutiveLosses: readonly number[];
  /** Alerts: drawdown (percent below peak equity) thresholds: info, warning, critical (the risk module raises them). */
  readonly alertsDrawdownPct: readonly number[];
  /** Alerts: a position's unrealized P&L moving by at least this (USD) between two marks raises a warning (0: off). */
  readonly alertsPnlSwingUsd: number;
  /** Alerts: how often Redis and PostgreSQL are probed for the infrastructure alerts (ms, 0: off). */
  readonly alertsHealthCheckMs: number;
  /** Email channel: SMTP URL (smtp:// or smtps://, user:pass@host:port); empty: from the parts below. */
  readonly smtpUrl: string;
  readonly smtpHost: string;
  readonly smtpPort: number;
  readonly smtpUser: string;
  readonly smtpPass: string;
  /** Sender address; the email channel is disabled without it (or without a host). */
  readonly smtpFrom: string;
  /** Email channel: allow SMTP without TLS (otherwise STARTTLS or smtps is required). */
  readonly smtpAllowInsecure: boolean;
  /** SMS channel: Twilio account SID, auth token and sender number; disabled unless all three are set. */
  readonly twilioAccountSid: string;
  readonly twilioAuthToken: string;
  readonly twilioFrom: string;
  /** SMS channel: the Twilio REST root the library's requests go to. */
  readonly twilioApiBaseUrl: string;
  /** Slack and Discord channels: enabled unless set to false (each subscription names its webhook URL). */
  readonly alertsSlackEnabled: boolean;
  readonly alertsDiscordEnabled: boolean;
  /** Pre-trade gate: a reference price (mark or latest bar) older than this denies NO_REFERENCE_PRICE (ms). */
  readonly riskReferenceMaxAgeMs: number;
  /** Risk mode CAUTIOUS: what strategy sizing is multiplied by. */
  readonly riskCautiousMultiplier: number;
  /** Drawdowns from the equity peak (percent, positive) that step an account down to CAUTIOUS, DEFENSIVE, HALTED. */
  readonly riskDrawdownCautiousPct: number;
  readonly riskDrawdownDefensivePct: number;
  readonly riskDrawdownHaltedPct: number;
  /** Losing closing trades in a row that step an account down to DEFENSIVE (0: off). */
  readonly riskConsecutiveLosses: number;
  /** Steps back up from CAUTIOUS/DEFENSIVE: manual (admin only) or auto (HALTED is always manual). */
  readonly riskRecovery: 'manual' | 'auto';
  /** auto recovery: how much shallower (percent of equity) than its threshold the drawdown must be to step back up. */
  readonly riskRecoveryHysteresisPct: number;
  /** How often each process re-reads risk modes and limits changed by another process (ms). */
  readonly riskStateRefreshMs: number;
  /** Cron (UTC) of the risk snapshot job (measures stored and exported). */
  readonly riskSnapshotCron: string;
  /** risk_snapshots older than this many days are dropped by the maintenance job (0: keep all). */
  readonly riskSnapshotRetentionDays: number;
  /** How long the gate waits for Redis's order-rate / duplicate answer before it falls back to process memory (ms). */
  readonly riskOrderFlowTimeoutMs: number;
  /** VaR/CVaR horizons in days (sqrt-time scaling of daily figures). */
  readonly riskVarHorizonsDays: readonly number[];
  /** Monte Carlo VaR: simulated paths and seed (xoshiro128**). */
  readonly riskMonteCarloPaths: number;
  readonly riskMonteCarloSeed: number;
  /** Online models (src/ml): bars of the rolling window a model version is trained on (newest stored bars). */
  readonly mlTrainingWindowBars: number;
  /** A champion whose directional accuracy over the bars since its training falls below this is retrained (trigger decay). */
  readonly mlDecayThreshold: number;
  /** Cron (UTC) of scheduled retraining of every model (trigger schedule); empty: off. */
  readonly mlRetrainCron: string;
  /** Cron (UTC) of the model evaluation job (accuracy, drift, experiments). */
  readonly mlEvaluateCron: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface Spec<T> {
  readonly name: string;
  readonly default: string;
  readonly description: string;
  readonly parse: (raw: string, name: string) => T;
}

function int(min: number, max: number): (raw: string, name: string) => number {
  return (raw, name) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function oneOf<T extends string>(values: readonly T[]): (raw: string, name: string) => T {
  return (raw, name) => {
    const v = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(v)) {
      throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return v as T;
  };
}

function bool(raw: string, name: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(protocols: readonly string[]): (raw: string, name: string) => string {
  return (raw, name) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL, got "${raw}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return raw;
  };
}

function text(pattern: RegExp, what: string): (raw: string, name: string) => string {
  return (raw, name) => {
    if (!pattern.test(raw)) throw new ConfigError(name, `must be ${what}, got "${raw}"`);
    return raw;
  };
}

/** A credential: no spaces, and never echoed in the error (unlike `text`). */
function credential(raw: string, name: string): string {
  if (/\s/.test(raw)) throw new ConfigError(name, 'must not contain spaces');
  return raw;
}

/** `host:port,host:port` (Redis Sentinels), or empty; IPv6 hosts in brackets (`[::1]:26379`). */
function hostPorts(raw: string, name: string): readonly RedisSentinelAddress[] {
  if (raw.trim() === '') return Object.freeze([]);
  const out: RedisSentinelAddress[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(part);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new ConfigError(name, `must be host:port pairs, comma-separated, got "${part}"`);
    out.push(Object.freeze({ host: m[1].replace(/^\[|\]$/g, ''), port }));
  }
  return Object.freeze(out);
}

/** Comma-separated URLs of `protocols`, or empty; a bad one is named by position (it may hold a password). */
function urlList(protocols: readonly string[]): (raw: string, name: string) => readonly string[] {
  const check = url(protocols);
  return (raw, name) => {
    if (raw.trim() === '') return Object.freeze([]);
    const parts = raw.split(',').map((p) => p.trim());
    return Object.freeze(
      parts.map((p, i) => {
        try {
          return check(p, name);
        } catch {
          throw new ConfigError(name, `entry ${i + 1} of ${parts.length} must be a ${protocols.join(' or ')} URL`);
        }
      }),
    );
  };
}

/** A finite number in [min, max] (or (min, max] when `minExclusive`). */
function num(min: number, max: number, minExclusive = false): (raw: string, name: string) => number {
  return (raw, name) => {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) throw new ConfigError(name, `must be a number, got "${raw}"`);
    const n = Number(raw);
    if (minExclusive ? !(n > min) || n > max : n < min || n > max) throw new ConfigError(name, `must be ${minExclusive ? `> ${min}` : `>= ${min}`} and <= ${max}, got ${n}`);
    return n;
  };
}

/** Per-rule dedupe and throttle windows (ALERTS_RULE_WINDOWS); absent fields take the global ones. */
export interface AlertRuleWindow {
  readonly dedupeMs?: number;
  readonly throttleMs?: number;
  readonly throttleMax?: number;
}

export type AddressClass = 'loopback' | 'private' | 'link-local';
const ADDRESS_CLASSES: readonly AddressClass[] = ['loopback', 'private', 'link-local'];

function ruleWindows(raw: string, name: string): Readonly<Record<string, AlertRuleWindow>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(name, `must hold valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(name, 'must be a JSON object of rule → windows');
  const out: Record<string, AlertRuleWindow> = {};
  for (const [rule, w] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(rule)) throw new ConfigError(name, `has a bad rule name "${rule}"`);
    if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new ConfigError(name, `${rule} must be an object`);
    const fields = w as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (!['dedupeMs', 'throttleMs', 'throttleMax'].includes(k)) throw new ConfigError(name, `${rule}.${k} is not a window field (dedupeMs, throttleMs, throttleMax)`);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < (k === 'throttleMax' ? 1 : 0)) throw new ConfigError(name, `${rule}.${k} must be an integer >= ${k === 'throttleMax' ? 1 : 0}`);
    }
    out[rule] = Object.freeze({ ...(fields as AlertRuleWindow) });
  }
  return Object.freeze(out);
}

/**
 * A comma-separated symbol list (spaces ignored, duplicates dropped, order kept); each as the
 * `bars` table takes them (src/market-data/bars.validator.ts SYMBOL_PATTERN, repeated here so
 * that config imports no feature code).
 */
function symbolList(raw: string, name: string): readonly string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const s = part.trim();
    if (s === '') continue;
    if (!/^[A-Za-z0-9._\-/]{1,32}$/.test(s)) throw new ConfigError(name, `must be comma-separated symbols (1 to 32 letters, digits or . _ - /), got "${s}"`);
    if (!out.includes(s)) out.push(s);
  }
  return Object.freeze(out);
}

/** NEWS_COMPANY_NAMES: `none`, or `name=TICKER` pairs separated by `;` (names lower-cased, as company-names.ts keys). */
function companyNames(raw: string, name: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (raw.trim().toLowerCase() === 'none') return out;
  for (const part of raw.split(';')) {
    if (part.trim() === '') continue;
    const m = /^\s*([^=]+?)\s*=\s*([A-Za-z0-9.-]{1,16})\s*$/.exec(part);
    if (!m) throw new ConfigError(name, `must be "name=TICKER;name=TICKER", got "${part}"`);
    out.set(m[1].toLowerCase(), m[2].toUpperCase());
  }
  return out;
}

/** NEWS_RSS_FEEDS: `none`, or comma-separated http(s) URLs. */
function feedList(raw: string, name: string): readonly string[] {
  if (raw.trim().toLowerCase() === 'none') return Object.freeze([]);
  const check = url(['https:', 'http:']);
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const u = part.trim();
    if (u === '') continue;
    check(u, name);
    if (!out.includes(u)) out.push(u);
  }
  return Object.freeze(out);
}

function addressClasses(raw: string, name: string): readonly AddressClass[] {
  const parts = raw.split(',').map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  for (const p of parts) if (!(ADDRESS_CLASSES as readonly string[]).includes(p)) throw new ConfigError(name, `must list only ${ADDRESS_CLASSES.join(', ')}, got "${p}"`);
  return Object.freeze([...new Set(parts)] as AddressClass[]);
}

/** `n` strictly ascending positive numbers, comma-separated (integers when `integers`). */
function ascending(n: number, what: string, integers: boolean): (raw: string, name: string) => readonly number[] {
  return (raw, name) => {
    const parts = raw.split(',').map((p) => p.trim());
    const values = parts.map(Number);
    const ok = parts.length === n && parts.every((p) => /^\d+(\.\d+)?$/.test(p)) && values.every((v, i) => v > 0 && (!integers || Number.isInteger(v)) && (i === 0 || v > values[i - 1]));
    if (!ok) throw new ConfigError(name, `must be ${n} ascending positive ${what}, comma-separated, got "${raw}"`);
    return Object.freeze(values);
  };
}

/** Empty, or a URL of one of `protocols`. */
function optionalUrl(protocols: readonly string[]): (raw: string, name: string) => string {
  const check = url(protocols);
  return (raw, name) => {
    if (raw === '') return '';
    try {
      return check(raw, name);
    } catch {
      // The URL may carry a password: name the rule, never echo the value.
      throw new ConfigError(name, `must be a ${protocols.join(' or ')} URL`);
    }
  };
}

/** `tcp://host:port` (Logstash's tcp input), or empty. */
function tcpAddress(raw: string, name: string): string {
  if (raw === '') return '';
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be tcp://host:port, got "${raw}"`);
  }
  if (parsed.protocol !== 'tcp:' || parsed.hostname === '' || parsed.port === '') throw new ConfigError(name, `must be tcp://host:port, got "${raw}"`);
  return raw;
}

/** Five-field cron (minute hour day month weekday), as BullMQ's job schedulers take it. */
const cron = text(/^(\S+\s+){4}\S+$/, 'a five-field cron expression');

/** Empty (off) or a five-field cron. */
function optionalCron(raw: string, name: string): string {
  return raw.trim() === '' ? '' : cron(raw, name);
}

/**
 * QUANTDESK_VENUES: `builtin` (the default set of venue.model.ts), a JSON array of venues, or the
 * path of a file holding one. Every problem is named by its path, e.g. `venues[1].fees.taker`.
 */
function venues(raw: string, name: string): readonly Venue[] {
  const v = raw.trim();
  if (v === 'builtin') return DEFAULT_VENUES;
  let json = v;
  if (!v.startsWith('[') && !v.startsWith('{')) {
    try {
      json = readFileSync(v, 'utf8');
    } catch (e) {
      throw new ConfigError(name, `must be builtin, a JSON array of venues or a readable file; cannot read "${v}": ${(e as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ConfigError(name, `must hold valid JSON: ${(e as Error).message}`);
  }
  const r = parseVenues(parsed);
  if (!r.ok) throw new ConfigError(name, `is invalid: ${r.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
  return Object.freeze([...r.venues]);
}

/**
 * Every environment variable QuantDesk reads, in README order. The key is the field of
 * AppConfig it fills.
 */
export const CONFIG_SPEC = {
  port: { name: 'PORT', default: '3000', description: 'HTTP port of the API', parse: int(1, 65535) },
  host: { name: 'HOST', default: '0.0.0.0', description: 'Address the API listens on', parse: text(/^\S+$/, 'a host name or address') },
  role: {
    name: 'QUANTDESK_ROLE',
    default: 'all',
    description: 'api (HTTP only), worker (queue workers and schedulers only) or all',
    parse: oneOf<ProcessRole>(['all', 'api', 'worker']),
  },
  logLevel: {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'error, warn, info, http, verbose, debug or silly',
    parse: oneOf<LogLevel>(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']),
  },
  logstashUrl: {
    name: 'LOGSTASH_URL',
    default: '',
    description: 'Ship logs as JSON lines to Logstash at tcp://host:port (empty: off)',
    parse: tcpAddress,
  },
  logstashBufferSize: {
    name: 'LOGSTASH_BUFFER_SIZE',
    default: '10000',
    description: 'Log records buffered while Logstash is unreachable (oldest dropped beyond)',
    parse: int(1, 10_000_000),
  },
  logstashReconnectMs: {
    name: 'LOGSTASH_RECONNECT_MS',
    default: '1000',
    description: 'First reconnect delay to Logstash (doubles up to 30 s)',
    parse: int(10, 600_000),
  },
  databaseUrl: {
    name: 'DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/quantdesk',
    description: 'PostgreSQL (or TimescaleDB) connection URL',
    parse: url(['postgres:', 'postgresql:']),
  },
  databaseAutoCreate: { name: 'DATABASE_AUTO_CREATE', default: 'true', description: 'Create the database if it is missing', parse: bool },
  databaseAutoMigrate: { name: 'DATABASE_AUTO_MIGRATE', default: 'true', description: 'Apply pending migrations at start-up', parse: bool },
  databasePoolSize: { name: 'DATABASE_POOL_SIZE', default: '10', description: 'Connections in the PostgreSQL pool', parse: int(1, 500) },
  databaseReplicaUrls: {
    name: 'DATABASE_REPLICA_URLS',
    default: '',
    description:
      'Read replicas of DATABASE_URL, comma-separated PostgreSQL URLs (empty: none); only replica-safe reads (bar pages, research bar loads) use them',
    parse: urlList(['postgres:', 'postgresql:']),
  },
  redisUrl: { name: 'REDIS_URL', default: 'redis://127.0.0.1:6379', description: 'Redis connection URL', parse: url(['redis:', 'rediss:']) },
  redisSentinels: {
    name: 'REDIS_SENTINELS',
    default: '',
    description:
      "Redis Sentinels, host:port comma-separated (empty: connect to REDIS_URL's host); REDIS_URL then gives only the password, database and TLS",
    parse: hostPorts,
  },
  redisSentinelName: {
    name: 'REDIS_SENTINEL_NAME',
    default: 'mymaster',
    description: 'Master name the Redis Sentinels monitor (used with REDIS_SENTINELS)',
    parse: text(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits, _ . - (1 to 128)'),
  },
  redisSentinelPassword: {
    name: 'REDIS_SENTINEL_PASSWORD',
    default: '',
    description: 'Password of the Redis Sentinels themselves (empty: none)',
    parse: credential,
  },
  redisPrefix: {
    name: 'REDIS_PREFIX',
    default: 'quantdesk',
    description: 'Prefix of every Redis key (queues included)',
    parse: text(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)'),
  },
  metricsToken: { name: 'METRICS_TOKEN', default: '', description: 'Bearer token required by /metrics (empty: open)', parse: (raw: string) => raw },
  authCacheTtlMs: { name: 'AUTH_CACHE_TTL_MS', default: '5000', description: 'How long a verified API key is cached in memory', parse: int(0, 3_600_000) },
  shutdownTimeoutMs: {
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: '15000',
    description: 'Grace period for requests and jobs on SIGTERM',
    parse: int(0, 600_000),
  },
  barsMinuteRetentionDays: {
    name: 'BARS_MINUTE_RETENTION_DAYS',
    default: '0',
    description: 'Delete raw 1-minute bars older than this many days (0: keep)',
    parse: int(0, 100_000),
  },
  barsPartitionMonthsAhead: {
    name: 'BARS_PARTITION_MONTHS_AHEAD',
    default: '3',
    description: 'Plain PostgreSQL: monthly partitions created ahead of now',
    parse: int(1, 120),
  },
  barsMaintenanceCron: {
    name: 'BARS_MAINTENANCE_CRON',
    default: '15 0 * * *',
    description: 'Cron of partition creation and retention',
    parse: cron,
  },
  barsAggregateRefreshCron: {
    name: 'BARS_AGGREGATE_REFRESH_CRON',
    default: '*/5 * * * *',
    description: 'Plain PostgreSQL: cron of the 1h/1d aggregate refresh',
    parse: cron,
  },
  queueAttempts: { name: 'QUEUE_ATTEMPTS', default: '5', description: 'Attempts of a queued job before it is failed', parse: int(1, 100) },
  queueBackoffMs: {
    name: 'QUEUE_BACKOFF_MS',
    default: '1000',
    description: 'First retry delay; doubles on each attempt (exponential backoff)',
    parse: int(1, 3_600_000),
  },
  deploymentTickMs: {
    name: 'DEPLOYMENT_TICK_MS',
    default: '5000',
    description: 'How often running strategy deployments check for new bars',
    parse: int(100, 3_600_000),
  },
  liveTradingEnabled: {
    name: 'LIVE_TRADING_ENABLED',
    default: 'false',
    description: 'Allow strategy deployments in live mode (paper is the default)',
    parse: bool,
  },
  alpacaBaseUrl: {
    name: 'ALPACA_BASE_URL',
    default: 'https://paper-api.alpaca.markets',
    description: 'Alpaca Trading API REST root (paper by default)',
    parse: url(['https:', 'http:']),
  },
  alpacaStreamUrl: {
    name: 'ALPACA_STREAM_URL',
    default: 'wss://paper-api.alpaca.markets/stream',
    description: 'Alpaca trade-update WebSocket',
    parse: url(['wss:', 'ws:']),
  },
  alpacaKeyId: { name: 'ALPACA_KEY_ID', default: '', description: 'Alpaca API key id (empty: Alpaca broker disabled)', parse: credential },
  alpacaSecretKey: { name: 'ALPACA_SECRET_KEY', default: '', description: 'Alpaca API secret key', parse: credential },
  alpacaRequestTimeoutMs: {
    name: 'ALPACA_REQUEST_TIMEOUT_MS',
    default: '10000',
    description: 'Timeout of one Alpaca REST request',
    parse: int(100, 600_000),
  },
  alpacaMaxRetries: { name: 'ALPACA_MAX_RETRIES', default: '3', description: 'Retries after a 429 or 5xx answer from Alpaca', parse: int(0, 20) },
  alpacaRetryBaseMs: { name: 'ALPACA_RETRY_BASE_MS', default: '200', description: 'First Alpaca 5xx retry delay (doubles, full jitter)', parse: int(1, 60_000) },
  alpacaMaxRetryAfterMs: {
    name: 'ALPACA_MAX_RETRY_AFTER_MS',
    default: '60000',
    description: 'Longest Alpaca Retry-After waited for',
    parse: int(0, 3_600_000),
  },
  alpacaStreamReconnectMs: {
    name: 'ALPACA_STREAM_RECONNECT_MS',
    default: '1000',
    description: 'First reconnect delay of the Alpaca streams, trade updates and market data (doubles to 30 s)',
    parse: int(10, 60_000),
  },
  marketDataFeed: {
    name: 'MARKET_DATA_FEED',
    default: 'none',
    description: 'Live market-data feed: none (offline) or alpaca (Market Data v2 minute bars)',
    parse: oneOf<MarketDataFeedProvider>(['none', 'alpaca']),
  },
  marketDataSymbols: {
    name: 'MARKET_DATA_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols the feed always subscribes, besides those of running deployments',
    parse: symbolList,
  },
  alpacaDataStreamUrl: {
    name: 'ALPACA_DATA_STREAM_URL',
    default: 'wss://stream.data.alpaca.markets/v2',
    description: 'Alpaca Market Data v2 real-time stream root (the feed name is appended)',
    parse: url(['wss:', 'ws:']),
  },
  alpacaDataUrl: {
    name: 'ALPACA_DATA_URL',
    default: 'https://data.alpaca.markets',
    description: 'Alpaca Market Data v2 REST root (gap backfill)',
    parse: url(['https:', 'http:']),
  },
  alpacaDataFeed: { name: 'ALPACA_DATA_FEED', default: 'iex', description: 'Alpaca data feed: iex or sip', parse: oneOf<AlpacaDataFeed>(['iex', 'sip']) },
  providerTimeoutMs: { name: 'PROVIDER_TIMEOUT_MS', default: '15000', description: 'Data providers: timeout of one HTTP request', parse: int(100, 300_000) },
  providerMaxRetries: { name: 'PROVIDER_MAX_RETRIES', default: '3', description: 'Data providers: retries after a 429, 5xx, timeout or network error', parse: int(0, 10) },
  providerRetryBaseMs: { name: 'PROVIDER_RETRY_BASE_MS', default: '500', description: 'Data providers: first backoff wait (doubles, full jitter)', parse: int(1, 60_000) },
  providerMaxRetryAfterMs: {
    name: 'PROVIDER_MAX_RETRY_AFTER_MS',
    default: '120000',
    description: 'Data providers: longest Retry-After waited for; longer fails at once',
    parse: int(0, 3_600_000),
  },
  alphaVantageUrl: { name: 'ALPHA_VANTAGE_URL', default: 'https://www.alphavantage.co', description: 'Alpha Vantage API root', parse: url(['https:', 'http:']) },
  alphaVantageApiKey: { name: 'ALPHA_VANTAGE_API_KEY', default: '', description: 'Alpha Vantage API key (empty: its providers are disabled)', parse: credential },
  sentimentScorer: {
    name: 'SENTIMENT_SCORER',
    default: 'lexicon',
    description: 'Sentiment scorer: lexicon (VADER + finance words) or llm (OpenAI-compatible endpoint, lexicon fallback per failed batch)',
    parse: oneOf<SentimentScorerKind>(['lexicon', 'llm']),
  },
  llmBaseUrl: { name: 'LLM_BASE_URL', default: 'https://api.openai.com', description: 'OpenAI-compatible API root (POST /v1/chat/completions)', parse: url(['https:', 'http:']) },
  llmApiKey: { name: 'LLM_API_KEY', default: '', description: 'Bearer token of the LLM endpoint (empty: none sent)', parse: credential },
  llmModel: { name: 'LLM_MODEL', default: 'gpt-4o-mini', description: 'Model of the LLM sentiment scorer', parse: text(/^[\w.:/-]{1,128}$/, 'a model name') },
  llmProviderName: {
    name: 'LLM_PROVIDER_NAME',
    default: '',
    description: 'provider label of llm_latency_seconds (empty: host of LLM_BASE_URL)',
    parse: (raw: string, name: string) => {
      if (raw !== '' && !/^[\w.:-]{1,64}$/.test(raw)) throw new ConfigError(name, 'must be up to 64 letters, digits, . : _ or -');
      return raw;
    },
  },
  llmBatchSize: { name: 'LLM_BATCH_SIZE', default: '20', description: 'Items scored per LLM request', parse: int(1, 200) },
  alphaVantageBarsSymbols: {
    name: 'ALPHA_VANTAGE_BARS_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols whose bars Alpha Vantage provides (empty: the provider is disabled)',
    parse: symbolList,
  },
  alphaVantageBarsInterval: {
    name: 'ALPHA_VANTAGE_BARS_INTERVAL',
    default: 'daily',
    description: 'Alpha Vantage bars: daily (TIME_SERIES_DAILY) or 1min, 5min, 15min, 30min, 60min (TIME_SERIES_INTRADAY)',
    parse: oneOf<AvBarsInterval>(['daily', ...AV_INTERVALS]),
  },
  alphaVantageBarsOutputSize: {
    name: 'ALPHA_VANTAGE_BARS_OUTPUTSIZE',
    default: 'compact',
    description: 'Alpha Vantage bars: compact (latest 100) or full history',
    parse: oneOf<'compact' | 'full'>(['compact', 'full']),
  },
  alphaVantageBarsCron: { name: 'ALPHA_VANTAGE_BARS_CRON', default: '30 22 * * 1-5', description: 'Cron (UTC) of the Alpha Vantage bars ingestion', parse: cron },
  alpacaBarsSymbols: {
    name: 'ALPACA_BARS_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols whose 1-minute bars the Alpaca historical-bars provider fetches (empty: disabled)',
    parse: symbolList,
  },
  alpacaBarsLookbackMinutes: { name: 'ALPACA_BARS_LOOKBACK_MINUTES', default: '1440', description: 'Alpaca bars: minutes back each run reads', parse: int(1, 525_600) },
  alpacaBarsCron: { name: 'ALPACA_BARS_CRON', default: '15 * * * *', description: 'Cron (UTC) of the Alpaca historical-bars ingestion', parse: cron },
  cacheBarsTtlMs: {
    name: 'CACHE_BARS_TTL_MS',
    default: '30000',
    description: 'Redis cache of bar pages (GET /api/v1/market-data/bars), ms; imports of the symbol invalidate it (0: off)',
    parse: int(0, 86_400_000),
  },
  newsSymbols: {
    name: 'NEWS_SYMBOLS',
    default: 'AAPL,MSFT,AMZN,GOOGL,META,NVDA,TSLA',
    description: 'Comma-separated tickers the news providers ask about (also the extraction universe)',
    parse: symbolList,
  },
  newsCompanyNames: {
    name: 'NEWS_COMPANY_NAMES',
    default: 'none',
    description: 'Extra company names for symbol extraction: "name=TICKER;name=TICKER" (none: the built-in map only)',
    parse: companyNames,
  },
  newsCron: { name: 'NEWS_CRON', default: '*/15 * * * *', description: 'Cron (UTC) of every news provider fetch', parse: cron },
  newsRssFeeds: {
    name: 'NEWS_RSS_FEEDS',
    default: 'https://finance.yahoo.com/news/rssindex,https://feeds.content.dowjones.io/public/rss/mw_topstories',
    description: 'Comma-separated RSS 2.0 / Atom feed URLs (default: Yahoo Finance and MarketWatch top stories; none: rss disabled)',
    parse: feedList,
  },
  newsApiUrl: { name: 'NEWSAPI_URL', default: 'https://newsapi.org', description: 'NewsAPI root', parse: url(['https:', 'http:']) },
  newsApiKey: { name: 'NEWSAPI_KEY', default: '', description: 'NewsAPI key (empty: newsapi provider disabled)', parse: credential },
  newsApiDailyLimit: { name: 'NEWSAPI_DAILY_LIMIT', default: '100', description: 'NewsAPI requests per UTC day, counted across processes (free tier: 100)', parse: int(1, 1_000_000) },
  socialSymbols: {
    name: 'SOCIAL_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols the social providers follow: StockTwits streams, X searches, tickers counted in Reddit posts (empty: StockTwits and X disabled)',
    parse: symbolList,
  },
  socialMaxPages: { name: 'SOCIAL_MAX_PAGES', default: '5', description: 'Social providers: most pages read per stream, search or subreddit in one run', parse: int(1, 100) },
  socialSpikeBaseline: {
    name: 'SOCIAL_SPIKE_BASELINE',
    default: '20',
    description: 'Social spikes: previous intervals (N) the mention-volume and index z-scores are measured against',
    parse: int(2, 1000),
  },
  socialSpikeZ: { name: 'SOCIAL_SPIKE_Z', default: '3', description: 'Social spikes: z-score at or above which an interval is a spike', parse: num(0, 100, true) },
  socialSpikeMinMentions: { name: 'SOCIAL_SPIKE_MIN_MENTIONS', default: '5', description: 'Social spikes: fewest mentions an interval needs to be flagged', parse: int(1, 1_000_000) },
  socialIndexSmoothing: { name: 'SOCIAL_INDEX_K', default: '1', description: 'Social sentiment index (bull - bear) / (bull + bear + k): the k', parse: num(0, 1000) },
  secUserAgent: {
    name: 'SEC_USER_AGENT',
    default: '',
    description: 'User-Agent SEC EDGAR requires, "Company contact@example.com" (empty: SEC EDGAR disabled)',
    parse: text(/^(\S.{0,199})?$/, 'empty or a User-Agent of 1 to 200 characters'),
  },
  secUrl: { name: 'SEC_URL', default: 'https://www.sec.gov', description: 'SEC root of company_tickers.json and filing documents', parse: url(['https:', 'http:']) },
  secDataUrl: { name: 'SEC_DATA_URL', default: 'https://data.sec.gov', description: 'SEC EDGAR submissions API root', parse: url(['https:', 'http:']) },
  secRequestsPerSecond: { name: 'SEC_REQUESTS_PER_SECOND', default: '10', description: 'SEC EDGAR requests per second (SEC fair access: at most 10)', parse: num(0, 10, true) },
  filingsSymbols: { name: 'FILINGS_SYMBOLS', default: '', description: 'Comma-separated symbols whose SEC filings are ingested (empty: SEC EDGAR disabled)', parse: symbolList },
  secCron: { name: 'SEC_CRON', default: '*/10 * * * *', description: 'Cron (UTC) of the SEC EDGAR filings ingestion', parse: cron },
  transcriptSymbols: {
    name: 'TRANSCRIPT_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols whose earnings-call transcripts are read from Alpha Vantage (empty: transcripts disabled)',
    parse: symbolList,
  },
  transcriptQuarters: { name: 'TRANSCRIPT_QUARTERS', default: '4', description: 'Earnings-call transcripts: past calendar quarters looked for each run (those not stored yet)', parse: int(1, 40) },
  transcriptRequestsPerMinute: {
    name: 'TRANSCRIPT_REQUESTS_PER_MINUTE',
    default: '5',
    description: 'Earnings-call transcripts: Alpha Vantage requests per minute (requests are spaced to it)',
    parse: int(1, 1_000_000),
  },
  transcriptCron: { name: 'TRANSCRIPT_CRON', default: '0 6 * * *', description: 'Cron (UTC) of the earnings-call transcript ingestion', parse: cron },
  finraUrl: { name: 'FINRA_URL', default: 'https://api.finra.org', description: 'FINRA Query API root (consolidated short interest)', parse: url(['https:', 'http:']) },
  shortInterestSymbols: {
    name: 'SHORT_INTEREST_SYMBOLS',
    default: '',
    description: 'Comma-separated symbols whose FINRA consolidated short interest is read (empty: short interest disabled)',
    parse: symbolList,
  },
  shortInterestLookbackDays: { name: 'SHORT_INTEREST_LOOKBACK_DAYS', default: '120', description: 'Short interest: settlements of the last N days asked for each run', parse: int(1, 3650) },
  shortInterestCron: { name: 'SHORT_INTEREST_CRON', default: '0 7 * * *', description: 'Cron (UTC) of the FINRA short-interest ingestion', parse: cron },
  stocktwitsUrl: { name: 'STOCKTWITS_URL', default: 'https://api.stocktwits.com', description: 'StockTwits API root', parse: url(['https:', 'http:']) },
  stocktwitsAccessToken: { name: 'STOCKTWITS_ACCESS_TOKEN', default: '', description: 'StockTwits OAuth access token (optional; raises the rate limit)', parse: credential },
  stocktwitsRequestsPerHour: { name: 'STOCKTWITS_REQUESTS_PER_HOUR', default: '200', description: "StockTwits request budget per hour (requests are spaced to it)", parse: int(1, 1_000_000) },
  stocktwitsCron: { name: 'STOCKTWITS_CRON', default: '*/15 * * * *', description: 'Cron (UTC) of the StockTwits symbol-stream ingestion', parse: cron },
  redditAuthUrl: { name: 'REDDIT_AUTH_URL', default: 'https://www.reddit.com', description: 'Reddit OAuth token endpoint root', parse: url(['https:', 'http:']) },
  redditApiUrl: { name: 'REDDIT_API_URL', default: 'https://oauth.reddit.com', description: 'Reddit OAuth API root', parse: url(['https:', 'http:']) },
  redditClientId: { name: 'REDDIT_CLIENT_ID', default: '', description: 'Reddit app client id (empty: Reddit disabled)', parse: credential },
  redditClientSecret: { name: 'REDDIT_CLIENT_SECRET', default: '', description: 'Reddit app secret', parse: credential },
  redditUserAgent: {
    name: 'REDDIT_USER_AGENT',
    default: 'server:quantdesk:1.0',
    description: 'User-Agent sent to Reddit, as it requires: <platform>:<app id>:<version> (by /u/<user>)',
    parse: text(/^\S.{0,199}$/, 'a User-Agent of 1 to 200 characters'),
  },
  redditSubreddits: {
    name: 'REDDIT_SUBREDDITS',
    default: 'wallstreetbets',
    description: 'Comma-separated subreddits whose new posts are read',
    parse: (raw: string, name: string): readonly string[] => {
      const subs = [...new Set(raw.split(',').map((p) => p.trim().replace(/^r\//, '')).filter((p) => p !== ''))];
      for (const s of subs) if (!/^[A-Za-z0-9_]{2,21}$/.test(s)) throw new ConfigError(name, `must be comma-separated subreddit names (2 to 21 letters, digits or _), got "${s}"`);
      return Object.freeze(subs);
    },
  },
  redditCron: { name: 'REDDIT_CRON', default: '*/15 * * * *', description: 'Cron (UTC) of the Reddit ingestion', parse: cron },
  redditCacheTtlMs: {
    name: 'REDDIT_CACHE_TTL_MS',
    default: '60000',
    description: 'Redis cache of Reddit listing pages (ms), shared by the reddit and reddit-news providers (0: off)',
    parse: int(0, 3_600_000),
  },
  xUrl: { name: 'X_API_URL', default: 'https://api.twitter.com', description: 'X (Twitter) API v2 root', parse: url(['https:', 'http:']) },
  xBearerToken: { name: 'X_BEARER_TOKEN', default: '', description: 'X API bearer token (empty: X disabled)', parse: credential },
  xCron: { name: 'X_CRON', default: '*/15 * * * *', description: 'Cron (UTC) of the X recent-search ingestion', parse: cron },
  paperLatencyMs: { name: 'PAPER_LATENCY_MS', default: '5', description: 'Paper broker: delay before it answers an order request (ms, 0 allowed)', parse: int(0, 60_000) },
  paperParticipation: {
    name: 'PAPER_PARTICIPATION',
    default: '0.1',
    description: "Paper broker: largest share of a bar's volume one order fills per bar, in (0, 1]",
    parse: num(0, 1, true),
  },
  paperStartingCash: {
    name: 'PAPER_STARTING_CASH',
    default: '100000',
    description: 'Paper broker: starting cash of each paper account',
    parse: (raw: string, name: string) => {
      const v = raw.trim();
      if (!/^\d{1,15}(\.\d{1,8})?$/.test(v) || Number(v) <= 0) throw new ConfigError(name, `must be a decimal > 0 (up to 15 digits, 8 decimals), got "${raw}"`);
      return v;
    },
  },
  paperCommissionBps: { name: 'PAPER_COMMISSION_BPS', default: '1', description: 'Paper broker: commission in basis points of notional', parse: num(0, 1000) },
  paperSlippageBps: { name: 'PAPER_SLIPPAGE_BPS', default: '2', description: 'Paper broker: fixed slippage in basis points, against the order', parse: num(0, 1000) },
  paperBarTimeframe: {
    name: 'PAPER_BAR_TIMEFRAME',
    default: '1m',
    description: 'Paper broker: timeframe of the bars that price a symbol',
    parse: text(/^[0-9]+(s|m|h|d|w|mo)$/, 'a timeframe such as 1m, 5m, 1h, 1d'),
  },
  routingVenues: {
    name: 'QUANTDESK_VENUES',
    default: 'builtin',
    description: 'Smart order routing venues: builtin (3 lit venues and 1 dark pool), a JSON array, or a file path',
    parse: venues,
  },
  routingDarkFirst: { name: 'QUANTDESK_ROUTING_DARK_FIRST', default: 'true', description: 'Ping dark pools first when an order qualifies', parse: bool },
  routingMaxRounds: { name: 'QUANTDESK_ROUTING_MAX_ROUNDS', default: '3', description: 'Routing rounds (the first and the re-routes of the rest)', parse: int(1, 20) },
  routingRoundIntervalMs: {
    name: 'QUANTDESK_ROUTING_ROUND_INTERVAL_MS',
    default: '1000',
    description: 'Wait before re-routing the unfilled rest',
    parse: int(0, 600_000),
  },
  routingScoreHalfLife: {
    name: 'QUANTDESK_ROUTING_SCORE_HALF_LIFE',
    default: '50',
    description: 'Child orders after which old venue evidence weighs half',
    parse: int(1, 1_000_000),
  },
  routingScorePriorWeight: {
    name: 'QUANTDESK_ROUTING_SCORE_PRIOR_WEIGHT',
    default: '10',
    description: 'Child orders the configured venue priors are worth',
    parse: int(0, 1_000_000),
  },
  protectiveLimitBps: {
    name: 'PROTECTIVE_LIMIT_BPS',
    default: '0',
    description: 'Send market orders as limits at the arrival price plus/minus this many bps (0: as market)',
    parse: num(0, 10_000),
  },
  protectiveLimitTick: {
    name: 'PROTECTIVE_LIMIT_TICK',
    default: '0.01',
    description: 'Price increment protective limits are rounded to',
    parse: (raw: string, name: string) => {
      if (!/^\d{1,10}(\.\d{1,10})?$/.test(raw) || !(Number(raw) > 0)) throw new ConfigError(name, `must be a decimal price increment > 0 such as 0.01, got "${raw}"`);
      return raw;
    },
  },
  expectedCostLookbackDays: {
    name: 'EXPECTED_COST_LOOKBACK_DAYS',
    default: '20',
    description: 'Pre-trade estimate: newest daily bars its average volume and volatility are measured over',
    parse: int(3, 10_000),
  },
  expectedCostSpreadBps: {
    name: 'EXPECTED_COST_SPREAD_BPS',
    default: '5',
    description: 'Pre-trade estimate: full bid-ask spread in bps when the request gives none',
    parse: num(0, 10_000),
  },
  expectedCostImpactCoefficient: {
    name: 'EXPECTED_COST_IMPACT_COEFFICIENT',
    default: '1',
    description: 'Pre-trade estimate: k of the square-root impact k·σ·(Q/V)^β',
    parse: num(0, 100),
  },
  expectedCostImpactExponent: {
    name: 'EXPECTED_COST_IMPACT_EXPONENT',
    default: '0.5',
    description: 'Pre-trade estimate: β of the impact k·σ·(Q/V)^β, in (0, 1]',
    parse: num(0, 1, true),
  },
  expectedCostFeeBps: {
    name: 'EXPECTED_COST_FEE_BPS',
    // Empty: the fees of the configured broker, so the estimate charges what the paper broker
    // charges without the commission being set twice; a live broker's fees are set here.
    default: '',
    description: 'Pre-trade estimate: fees in bps of notional (empty: PAPER_COMMISSION_BPS with the paper broker, else 0)',
    parse: (raw: string, name: string): number | null => (raw.trim() === '' ? null : num(0, 1000)(raw, name)),
  },
  routingExecution: {
    name: 'QUANTDESK_ROUTING_EXECUTION',
    default: 'paper',
    description: 'What fills routed child orders: paper (paper broker orders priced by the venue models) or venue-simulator',
    parse: oneOf(ROUTING_EXECUTION_MODES),
  },
  routingChildTimeoutMs: {
    name: 'QUANTDESK_ROUTING_CHILD_TIMEOUT_MS',
    default: '5000',
    description: 'Paper routing: longest wait for a child order to end before it is cancelled (ms)',
    parse: int(100, 600_000),
  },
  tradingBroker: {
    name: 'QUANTDESK_BROKER',
    default: 'paper',
    description: 'Broker every account trades through: paper or alpaca',
    parse: text(/^[a-z][a-z0-9_-]{0,31}$/, 'a broker name (lower-case letters, digits, _ -)'),
  },
  equitySnapshotCron: {
    name: 'EQUITY_SNAPSHOT_CRON',
    default: '55 23 * * *',
    description: 'Cron (UTC) of the daily equity snapshot of every account',
    parse: cron,
  },
  reconciliationEveryMs: {
    name: 'RECONCILIATION_EVERY_MS',
    default: '60000',
    description: 'How often each account with orders is reconciled against its broker (ms)',
    parse: int(1000, 86_400_000),
  },
  reconciliationNewOrderGraceMs: {
    name: 'RECONCILIATION_NEW_ORDER_GRACE_MS',
    default: '30000',
    description: 'Age after which a new order the broker does not know is rejected as not received (ms)',
    parse: int(0, 86_400_000),
  },
  alertsDedupeWindowMs: {
    name: 'ALERTS_DEDUPE_WINDOW_MS',
    default: '900000',
    description: 'Alerts with the same rule, dedupe key and account within this window are one alert, sent to each recipient once (ms)',
    parse: int(0, 30 * 86_400_000),
  },
  alertsThrottleWindowMs: {
    name: 'ALERTS_THROTTLE_WINDOW_MS',
    default: '3600000',
    description: 'Throttle window per rule and recipient (ms)',
    parse: int(0, 30 * 86_400_000),
  },
  alertsThrottleMax: { name: 'ALERTS_THROTTLE_MAX', default: '20', description: 'Deliveries per rule and recipient within the throttle window', parse: int(1, 1_000_000) },
  alertsRuleWindows: {
    name: 'ALERTS_RULE_WINDOWS',
    default: '{}',
    description: 'Per-rule windows as JSON, e.g. {"single_loss":{"dedupeMs":0,"throttleMs":60000,"throttleMax":5}}',
    parse: ruleWindows,
  },
  alertsDeliveryAttempts: { name: 'ALERTS_DELIVERY_ATTEMPTS', default: '6', description: 'Attempts to deliver one alert to one recipient before it is failed', parse: int(1, 50) },
  alertsDeliveryBackoffMs: {
    name: 'ALERTS_DELIVERY_BACKOFF_MS',
    default: '2000',
    description: 'First alert delivery retry delay; doubles on each attempt',
    parse: int(1, 3_600_000),
  },
  alertsSweepEveryMs: {
    name: 'ALERTS_SWEEP_EVERY_MS',
    default: '10000',
    description: 'How often pending alert deliveries missing from Redis are enqueued again (ms)',
    parse: int(100, 3_600_000),
  },
  alertsChannelTimeoutMs: { name: 'ALERTS_CHANNEL_TIMEOUT_MS', default: '10000', description: 'Timeout of one alert channel request (ms)', parse: int(100, 600_000) },
  alertsAllowInsecureWebhooks: {
    name: 'ALERTS_ALLOW_INSECURE_WEBHOOKS',
    default: 'false',
    description: 'Allow http:// Slack/Discord webhook URLs (https only otherwise)',
    parse: bool,
  },
  alertsAllowedAddressClasses: {
    name: 'ALERTS_ALLOW_ADDRESSES',
    default: '',
    description: 'Address classes alert targets may resolve to besides public ones: comma list of loopback, private, link-local',
    parse: addressClasses,
  },
  alertsSingleLossUsd: {
    name: 'ALERTS_SINGLE_LOSS_USD',
    default: '1000,5000',
    description: 'A realized loss on one fill of at least these raises warning, critical',
    parse: ascending(2, 'USD amounts', false),
  },
  alertsConsecutiveLosses: {
    name: 'ALERTS_CONSECUTIVE_LOSSES',
    default: '5,10',
    description: 'Losing closing fills in a row that raise warning, critical',
    parse: ascending(2, 'counts', true),
  },
  alertsDrawdownPct: {
    name: 'ALERTS_DRAWDOWN_PCT',
    default: '10,15,20',
    description: 'Drawdown below peak equity (percent) that raises info, warning, critical',
    parse: ascending(3, 'percentages', false),
  },
  alertsPnlSwingUsd: {
    name: 'ALERTS_PNL_SWING_USD',
    default: '2500',
    description: "Change of a position's unrealized P&L between two marks that raises a warning (0: off)",
    parse: num(0, 1e12),
  },
  alertsHealthCheckMs: {
    name: 'ALERTS_HEALTH_CHECK_MS',
    default: '15000',
    description: 'How often Redis and PostgreSQL are probed for outage alerts (0: off)',
    parse: int(0, 3_600_000),
  },
  smtpUrl: { name: 'SMTP_URL', default: '', description: 'Email alerts: smtp:// or smtps:// URL (user:pass@host:port); empty: SMTP_HOST and the rest', parse: optionalUrl(['smtp:', 'smtps:']) },
  smtpHost: { name: 'SMTP_HOST', default: '', description: 'Email alerts: SMTP host (empty with SMTP_URL empty: email disabled)', parse: text(/^\S*$/, 'a host name or address') },
  smtpPort: { name: 'SMTP_PORT', default: '587', description: 'Email alerts: SMTP port (465 means implicit TLS)', parse: int(1, 65535) },
  smtpUser: { name: 'SMTP_USER', default: '', description: 'Email alerts: SMTP user (empty: no AUTH)', parse: credential },
  smtpPass: { name: 'SMTP_PASS', default: '', description: 'Email alerts: SMTP password', parse: credential },
  smtpFrom: { name: 'SMTP_FROM', default: '', description: 'Email alerts: sender address (empty: email disabled)', parse: text(/^(|[^\s@]+@[^\s@]+)$/, 'an email address') },
  smtpAllowInsecure: { name: 'SMTP_ALLOW_INSECURE', default: 'false', description: 'Email alerts: allow SMTP without TLS', parse: bool },
  twilioAccountSid: { name: 'TWILIO_ACCOUNT_SID', default: '', description: 'SMS alerts: Twilio account SID (AC...; empty: SMS disabled)', parse: text(/^(|AC[0-9a-fA-F]{32})$/, 'AC followed by 32 hex digits') },
  twilioAuthToken: { name: 'TWILIO_AUTH_TOKEN', default: '', description: 'SMS alerts: Twilio auth token', parse: credential },
  twilioFrom: { name: 'TWILIO_FROM', default: '', description: 'SMS alerts: sender number (E.164) or messaging service', parse: text(/^(|\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'an E.164 number or a messaging service SID') },
  twilioApiBaseUrl: {
    name: 'TWILIO_API_BASE_URL',
    default: 'https://api.twilio.com',
    description: "SMS alerts: REST root the twilio library's requests are sent to",
    parse: url(['https:', 'http:']),
  },
  alertsSlackEnabled: { name: 'ALERTS_SLACK_ENABLED', default: 'true', description: 'Slack incoming-webhook alerts (URL per subscription)', parse: bool },
  alertsDiscordEnabled: { name: 'ALERTS_DISCORD_ENABLED', default: 'true', description: 'Discord webhook alerts (URL per subscription)', parse: bool },
  riskReferenceMaxAgeMs: {
    name: 'RISK_REFERENCE_MAX_AGE_MS',
    default: '345600000',
    description: 'Pre-trade gate: a reference price older than this denies the order (NO_REFERENCE_PRICE); default 4 days covers daily bars over a long weekend',
    parse: int(1000, 31_536_000_000),
  },
  riskCautiousMultiplier: {
    name: 'RISK_CAUTIOUS_MULTIPLIER',
    default: '0.5',
    description: 'Risk mode CAUTIOUS: multiplier of strategy sizing, in [0, 1]',
    parse: num(0, 1),
  },
  riskDrawdownCautiousPct: { name: 'RISK_DRAWDOWN_CAUTIOUS_PCT', default: '10', description: 'Drawdown from the equity peak (percent) that steps an account down to CAUTIOUS', parse: num(0, 100, true) },
  riskDrawdownDefensivePct: { name: 'RISK_DRAWDOWN_DEFENSIVE_PCT', default: '15', description: 'Drawdown from the equity peak (percent) that steps an account down to DEFENSIVE', parse: num(0, 100, true) },
  riskDrawdownHaltedPct: { name: 'RISK_DRAWDOWN_HALTED_PCT', default: '20', description: 'Drawdown from the equity peak (percent) that halts an account', parse: num(0, 100, true) },
  riskConsecutiveLosses: {
    name: 'RISK_CONSECUTIVE_LOSSES',
    // Off unless chosen. A losing trade is a closing fill whose realized P&L net of commission is
    // negative (the alerts' definition too: ALERTS_CONSECUTIVE_LOSSES, on at 5 and 10). With the
    // paper broker's defaults (PAPER_SLIPPAGE_BPS 2 against each side, PAPER_COMMISSION_BPS 1) a
    // close at an unchanged price loses about 5 bps, so a burst of round trips in a flat market
    // (the crash spec's, a market maker's, an execution algorithm's) is a real losing run; gross of
    // commission it still is (slippage alone makes it negative), so no realized-P&L definition
    // spares it. Making such a run reduce-only is a policy decision; the alerts report it anyway.
    default: '0',
    description: 'Losing closing trades in a row that step an account down to DEFENSIVE (0: off)',
    parse: int(0, 10_000),
  },
  riskRecovery: {
    name: 'RISK_RECOVERY',
    default: 'manual',
    description: 'Steps back up from CAUTIOUS/DEFENSIVE: manual (admin) or auto (with hysteresis); HALTED is always left manually',
    parse: oneOf(['manual', 'auto'] as const),
  },
  riskRecoveryHysteresisPct: {
    name: 'RISK_RECOVERY_HYSTERESIS_PCT',
    default: '2',
    description: 'auto recovery: percent of equity the drawdown must clear its threshold by before stepping back up',
    parse: num(0, 100),
  },
  riskStateRefreshMs: {
    name: 'RISK_STATE_REFRESH_MS',
    default: '1000',
    description: 'How often a process re-reads risk modes and limits another process changed (ms)',
    parse: int(100, 3_600_000),
  },
  riskSnapshotCron: { name: 'RISK_SNAPSHOT_CRON', default: '*/5 * * * *', description: 'Cron (UTC) of the risk measures snapshot', parse: cron },
  riskSnapshotRetentionDays: {
    name: 'RISK_SNAPSHOT_RETENTION_DAYS',
    default: '365',
    description: 'Risk snapshots older than this many days are dropped (whole months on plain PostgreSQL, a retention policy on TimescaleDB; 0: keep all)',
    parse: int(0, 100_000),
  },
  riskOrderFlowTimeoutMs: {
    name: 'RISK_ORDER_FLOW_TIMEOUT_MS',
    default: '50',
    description: 'How long the pre-trade gate waits for Redis (order-rate throttle, duplicate window shared by all processes) before it falls back to its own process memory (ms)',
    parse: int(1, 10_000),
  },
  riskVarHorizonsDays: {
    name: 'RISK_VAR_HORIZONS_DAYS',
    default: '1,10',
    description: 'VaR/CVaR horizons in trading days, comma separated (daily figures scaled by sqrt(h))',
    parse: (raw: string, name: string) => {
      const parts = raw.split(',').map((p) => p.trim());
      if (parts.length === 0 || parts.length > 10 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) < 1 || Number(p) > 250)) {
        throw new ConfigError(name, `must be 1 to 10 comma-separated whole days in [1, 250], got "${raw}"`);
      }
      return parts.map(Number);
    },
  },
  riskMonteCarloPaths: { name: 'RISK_MC_PATHS', default: '10000', description: 'Monte Carlo VaR: simulated paths', parse: int(100, 1_000_000) },
  riskMonteCarloSeed: { name: 'RISK_MC_SEED', default: '42', description: 'Monte Carlo VaR: seed of xoshiro128**', parse: int(0, Number.MAX_SAFE_INTEGER) },
  mlTrainingWindowBars: {
    name: 'ML_TRAINING_WINDOW_BARS',
    default: '2000',
    description: 'Online models: a version is trained on the newest this many stored bars of its series (registration and every retrain)',
    parse: int(50, 1_000_000),
  },
  mlDecayThreshold: {
    name: 'ML_DECAY_THRESHOLD',
    default: '0.5',
    description:
      'Online models: a champion whose directional accuracy (share of bars whose predicted side of the next return was right; the 0.5-threshold class for online-logistic, the sign of the predicted return for rls) since its training falls below this is retrained (trigger decay; 0: never)',
    parse: num(0, 1),
  },
  mlRetrainCron: { name: 'ML_RETRAIN_CRON', default: '', description: 'Online models: cron (UTC) of scheduled retraining of every model (trigger schedule); empty: no scheduled retraining', parse: optionalCron },
  mlEvaluateCron: { name: 'ML_EVALUATE_CRON', default: '0 * * * *', description: 'Online models: cron (UTC) of the evaluation job (accuracy, drift detectors, PSI/KS, experiments)', parse: cron },
} satisfies { [K in keyof AppConfig]: Spec<AppConfig[K]> };

/** Reads and validates the whole configuration; throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): AppConfig {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_SPEC) as [keyof AppConfig, Spec<unknown>][]) {
    const raw = env[spec.name];
    out[key] = spec.parse(raw === undefined || raw === '' ? spec.default : raw, spec.name);
  }
  return Object.freeze(out) as unknown as AppConfig;
}

/** Injection token of the AppConfig value. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Hides the password of a connection URL so it can be printed. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
