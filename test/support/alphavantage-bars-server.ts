import { LoopbackServer, type Answer, type RecordedRequest } from './social-http';

/** One OHLCV bar as Alpha Vantage lists it (strings, as documented). */
export interface AvBar {
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/**
 * A local stand-in of Alpha Vantage's /query for TIME_SERIES_DAILY and TIME_SERIES_INTRADAY, in
 * the documented JSON: "Meta Data" (1. Information, 2. Symbol, 3. Last Refreshed, ..., Time Zone)
 * and "Time Series (Daily)" / "Time Series (<interval>)" keyed by time. Errors are 200s, as
 * Alpha Vantage sends them: {"Error Message"} for an unknown symbol, {"Note"} / {"Information"}
 * for rate limits and premium endpoints. `answers` overrides the body per symbol.
 */
export class AlphaVantageBarsServer {
  readonly server: LoopbackServer;
  /** symbol -> time -> bar. */
  readonly series = new Map<string, Record<string, AvBar>>();
  /** symbol -> a body sent as is instead of the series (errors, malformed answers). */
  readonly answers = new Map<string, unknown>();

  constructor(private readonly apiKey = 'av-test-key') {
    this.server = new LoopbackServer((req) => this.handle(req));
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: RecordedRequest): Answer {
    const q = req.query;
    if (req.path !== '/query') return { status: 404, body: 'Not Found' };
    if (q.get('apikey') !== this.apiKey) {
      return { status: 200, body: { Information: 'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key).' } };
    }
    const symbol = q.get('symbol') ?? '';
    const fn = q.get('function');
    const override = this.answers.get(symbol);
    if (override !== undefined) return { status: 200, body: override };
    const series = this.series.get(symbol);
    if (series === undefined || (fn !== 'TIME_SERIES_DAILY' && fn !== 'TIME_SERIES_INTRADAY')) {
      return { status: 200, body: { 'Error Message': `Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for ${fn ?? 'the function'}.` } };
    }
    const bars = Object.fromEntries(
      Object.entries(series)
        .sort(([a], [b]) => (a < b ? 1 : -1))
        .map(([t, b]) => [t, { '1. open': b.open, '2. high': b.high, '3. low': b.low, '4. close': b.close, '5. volume': b.volume }]),
    );
    const last = Object.keys(bars)[0];
    if (fn === 'TIME_SERIES_DAILY') {
      return {
        status: 200,
        body: {
          'Meta Data': { '1. Information': 'Daily Prices (open, high, low, close) and Volumes', '2. Symbol': symbol, '3. Last Refreshed': last, '4. Output Size': q.get('outputsize') === 'full' ? 'Full size' : 'Compact', '5. Time Zone': 'US/Eastern' },
          'Time Series (Daily)': bars,
        },
      };
    }
    const interval = q.get('interval') ?? '';
    return {
      status: 200,
      body: {
        'Meta Data': { '1. Information': `Intraday (${interval}) open, high, low, close prices and volume`, '2. Symbol': symbol, '3. Last Refreshed': last, '4. Interval': interval, '5. Output Size': 'Compact', '6. Time Zone': 'US/Eastern' },
        [`Time Series (${interval})`]: bars,
      },
    };
  }
}
