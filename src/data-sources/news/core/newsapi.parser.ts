import { MalformedFeedError, type ParsedArticle } from './news-article';

/**
 * NewsAPI /v2/everything (https://newsapi.org/docs/endpoints/everything): `{status: "ok",
 * totalResults, articles: [{source: {id, name}, author, title, description, url, publishedAt
 * (ISO 8601 UTC), content}]}`; errors `{status: "error", code, message}` with codes such as
 * apiKeyInvalid, apiKeyMissing, rateLimited, parameterInvalid (https://newsapi.org/docs/errors).
 */
export interface NewsApiError {
  readonly code: string;
  readonly message: string;
}

export function newsApiError(body: unknown): NewsApiError | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (b.status !== 'error') return null;
  return { code: typeof b.code === 'string' ? b.code : 'unknown', message: typeof b.message === 'string' ? b.message : 'no message' };
}

export function parseNewsApi(body: unknown): ParsedArticle[] {
  if (!body || typeof body !== 'object') throw new MalformedFeedError('body is not a JSON object');
  const b = body as Record<string, unknown>;
  if (b.status !== 'ok') throw new MalformedFeedError(`status: ${JSON.stringify(b.status)} is not "ok"`);
  if (!Array.isArray(b.articles)) throw new MalformedFeedError('articles: missing or not an array');
  return b.articles.map((raw: unknown, i) => {
    const where = `articles[${i}]`;
    if (!raw || typeof raw !== 'object') throw new MalformedFeedError(`${where}: not an object`);
    const a = raw as Record<string, unknown>;
    if (typeof a.title !== 'string' || a.title.trim() === '') throw new MalformedFeedError(`${where}.title: missing`);
    if (typeof a.url !== 'string' || !isHttpUrl(a.url)) throw new MalformedFeedError(`${where}.url: missing or not an http(s) URL`);
    if (typeof a.publishedAt !== 'string' || !Number.isFinite(Date.parse(a.publishedAt))) throw new MalformedFeedError(`${where}.publishedAt: missing or not a date`);
    const src = a.source && typeof a.source === 'object' ? (a.source as Record<string, unknown>) : {};
    return {
      providerId: null,
      source: typeof src.name === 'string' && src.name !== '' ? src.name : new URL(a.url).host,
      url: a.url,
      title: a.title.trim(),
      summary: typeof a.description === 'string' ? a.description : '',
      publishedAt: new Date(Date.parse(a.publishedAt)),
      tickers: [],
      providerSentiment: null,
    };
  });
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
