import { AlpacaRestClient, type AlpacaRestOptions } from '../../trading/brokers/alpaca/alpaca-rest.client';
import { readBarsPage, type BarsPage } from './core/alpaca-bars.parser';

/** Alpaca's largest page of historical bars. */
const PAGE_LIMIT = 10_000;

/**
 * Alpaca Market Data v2 historical bars (`GET /v2/stocks/bars`), over the broker's REST client
 * (its auth headers, timeout and retry rule: a GET is retried after 429, 5xx, timeouts and
 * network errors). Pages are followed by `next_page_token` until it is null.
 */
export class AlpacaBarsClient {
  private readonly rest: AlpacaRestClient;

  constructor(
    options: AlpacaRestOptions,
    private readonly feed: 'iex' | 'sip',
  ) {
    this.rest = new AlpacaRestClient(options);
  }

  /**
   * 1-minute bars of `symbols` starting in [from, to], page by page (raw prices: a stream bar is
   * unadjusted too, so a backfilled bar and a streamed one agree).
   */
  async *minuteBars(symbols: readonly string[], from: Date, to: Date): AsyncGenerator<BarsPage> {
    if (symbols.length === 0 || from.getTime() > to.getTime()) return;
    let pageToken: string | undefined;
    for (;;) {
      const res = await this.rest.request({
        method: 'GET',
        path: '/v2/stocks/bars',
        query: {
          symbols: [...symbols].sort().join(','),
          timeframe: '1Min',
          start: from.toISOString(),
          end: to.toISOString(),
          limit: String(PAGE_LIMIT),
          adjustment: 'raw',
          feed: this.feed,
          page_token: pageToken,
        },
      });
      if (res.status === 404) throw new Error('Alpaca answered 404 to GET /v2/stocks/bars');
      const page = readBarsPage(res.body);
      yield page;
      if (page.nextPageToken === null) return;
      pageToken = page.nextPageToken;
    }
  }

  close(): void {
    this.rest.close();
  }
}
