import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the fake provider: status, headers, body. */
export interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

export interface SeenRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

/**
 * A local HTTP server for the news providers: Alpha Vantage's /query, NewsAPI's /v2/everything
 * and feed paths. Each path has a queue of answers (the last one repeats); every request is kept.
 */
export class NewsProviderServer {
  readonly requests: SeenRequest[] = [];
  private readonly answers = new Map<string, Answer[]>();
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
      const queue = this.answers.get(u.pathname) ?? [];
      const a = queue.length > 1 ? queue.shift() : queue[0];
      if (!a) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(a.status ?? 200, a.headers ?? {}).end(a.body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replaces the answers of `path` (answered in order; the last one repeats). */
  answer(path: string, ...answers: Answer[]): void {
    this.answers.set(path, [...answers]);
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
export const xml = (body: string, contentType = 'application/rss+xml; charset=utf-8'): Answer => ({ status: 200, headers: { 'content-type': contentType }, body });

/** An Alpha Vantage NEWS_SENTIMENT story in its documented shape (numbers as strings where AV sends strings). */
export function avStory(o: { title: string; url: string; timePublished: string; summary?: string; ticker: string; tickerScore: string; overall?: number }): Record<string, unknown> {
  return {
    title: o.title,
    url: o.url,
    time_published: o.timePublished,
    authors: ['Staff'],
    summary: o.summary ?? '',
    banner_image: null,
    source: 'Benzinga',
    category_within_source: 'News',
    source_domain: 'www.benzinga.com',
    topics: [{ topic: 'Earnings', relevance_score: '0.9' }],
    overall_sentiment_score: o.overall ?? 0.2,
    overall_sentiment_label: 'Somewhat-Bullish',
    ticker_sentiment: [{ ticker: o.ticker, relevance_score: '0.8', ticker_sentiment_score: o.tickerScore, ticker_sentiment_label: 'Bullish' }],
  };
}

export function avFeed(feed: Record<string, unknown>[]): Record<string, unknown> {
  return {
    items: String(feed.length),
    sentiment_score_definition: 'x <= -0.35: Bearish; -0.35 < x <= -0.15: Somewhat-Bearish; -0.15 < x < 0.15: Neutral; 0.15 <= x < 0.35: Somewhat_Bullish; x >= 0.35: Bullish',
    relevance_score_definition: '0 < x <= 1, with a higher score indicating higher relevance.',
    feed,
  };
}
