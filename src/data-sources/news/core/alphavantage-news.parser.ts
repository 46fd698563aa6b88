import { MalformedFeedError, type ParsedArticle, type ProviderTicker } from './news-article';

/**
 * Alpha Vantage NEWS_SENTIMENT (https://www.alphavantage.co/documentation/#news-sentiment):
 * `{"items": "50", "feed": [{title, url, time_published: "YYYYMMDDTHHMMSS", summary, source,
 * overall_sentiment_score, ticker_sentiment: [{ticker, relevance_score, ticker_sentiment_score,
 * ticker_sentiment_label}]}]}`, numbers often as strings. Errors and the rate limit come as
 * HTTP 200 with one of `Information`, `Note` or `Error Message` (alphaVantageNotice finds them).
 *
 * time_published carries no zone and the documentation names none; it is read as US Eastern
 * time, the zone of Alpha Vantage's market data (America/New_York, DST included). The safe
 * reading for point in time: were the stamps UTC, Eastern reads them 4-5 hours late (a delay);
 * the other way round would read them early (lookahead).
 */
export type AlphaVantageNotice = { kind: 'rate-limit' | 'error'; message: string } | null;

export function alphaVantageNotice(body: unknown): AlphaVantageNotice {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b['Error Message'] === 'string') return { kind: 'error', message: b['Error Message'] };
  for (const key of ['Note', 'Information']) {
    const m = b[key];
    if (typeof m !== 'string') continue;
    // The daily/minute quota answers say "rate limit" / "requests per day"; Information also
    // carries "premium endpoint" and bad-parameter notes, which are errors, not waits.
    return { kind: /rate limit|requests per|call frequency|per day|per minute/i.test(m) ? 'rate-limit' : 'error', message: m };
  }
  return null;
}

function num(v: unknown, where: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new MalformedFeedError(`${where}: ${JSON.stringify(v)} is not a number in [${min}, ${max}]`);
  return n;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new MalformedFeedError(`${where}: missing`);
  return v.trim();
}

/** US Eastern offset (minutes behind UTC) at a UTC instant: EDT from the 2nd Sunday of March 07:00 UTC to the 1st Sunday of November 06:00 UTC (US rule since 2007). */
function easternOffsetMinutes(utcMs: number): number {
  const y = new Date(utcMs).getUTCFullYear();
  const nthSunday = (month: number, n: number): number => {
    const first = new Date(Date.UTC(y, month, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (n - 1);
  };
  const start = Date.UTC(y, 2, nthSunday(2, 2), 7);
  const end = Date.UTC(y, 10, nthSunday(10, 1), 6);
  return utcMs >= start && utcMs < end ? 240 : 300;
}

export function parseAlphaVantageTime(raw: string, where: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$/.exec(raw);
  if (!m) throw new MalformedFeedError(`${where}: "${raw}" is not YYYYMMDDTHHMMSS`);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  // Wall time + standard offset, then corrected if that instant is in daylight time.
  let utc = wall + easternOffsetMinutes(wall + 300 * 60_000) * 60_000;
  utc = wall + easternOffsetMinutes(utc) * 60_000;
  return new Date(utc);
}

export function parseAlphaVantageNews(body: unknown): ParsedArticle[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedFeedError('body is not a JSON object');
  const feed = (body as Record<string, unknown>).feed;
  if (!Array.isArray(feed)) throw new MalformedFeedError('feed: missing or not an array');
  return feed.map((raw: unknown, i) => {
    const where = `feed[${i}]`;
    if (!raw || typeof raw !== 'object') throw new MalformedFeedError(`${where}: not an object`);
    const a = raw as Record<string, unknown>;
    const url = str(a.url, `${where}.url`);
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // refused below
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new MalformedFeedError(`${where}.url: "${url.slice(0, 80)}" is not an http(s) URL`);
    const ts = a.ticker_sentiment ?? [];
    if (!Array.isArray(ts)) throw new MalformedFeedError(`${where}.ticker_sentiment: not an array`);
    const tickers: ProviderTicker[] = ts.map((t: unknown, j) => {
      const w = `${where}.ticker_sentiment[${j}]`;
      if (!t || typeof t !== 'object') throw new MalformedFeedError(`${w}: not an object`);
      const r = t as Record<string, unknown>;
      return {
        symbol: str(r.ticker, `${w}.ticker`).toUpperCase(),
        score: num(r.ticker_sentiment_score, `${w}.ticker_sentiment_score`, -1, 1),
        relevance: num(r.relevance_score, `${w}.relevance_score`, 0, 1),
        label: typeof r.ticker_sentiment_label === 'string' ? r.ticker_sentiment_label : null,
      };
    });
    return {
      providerId: null,
      source: typeof a.source === 'string' && a.source.trim() !== '' ? a.source.trim() : new URL(url).host,
      url,
      title: str(a.title, `${where}.title`),
      summary: typeof a.summary === 'string' ? a.summary : '',
      publishedAt: parseAlphaVantageTime(str(a.time_published, `${where}.time_published`), `${where}.time_published`),
      tickers,
      providerSentiment: a.overall_sentiment_score === undefined ? null : num(a.overall_sentiment_score, `${where}.overall_sentiment_score`, -1, 1),
    };
  });
}
