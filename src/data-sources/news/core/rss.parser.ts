import { XMLParser } from 'fast-xml-parser';
import { MalformedFeedError, type ParsedArticle } from './news-article';

/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification: channel/item with title, link,
 * description, pubDate in RFC 822, guid) and Atom (RFC 4287: feed/entry with title,
 * link[@rel=alternate]/@href, summary or content, published or updated, id). Every item must have
 * a title, a link and a date, else the whole document is refused (nothing from it is stored).
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // One item is still an array, so a one-story feed reads like any other.
  isArray: (name) => ['item', 'entry', 'link', 'category'].includes(name),
  processEntities: true,
  htmlEntities: true,
});

type Node = Record<string, unknown>;

function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return text((v as Node)['#text']);
  return '';
}

/** Strips markup from an HTML description (feeds put <p>, <img> in them). */
function plain(s: string): string {
  return s.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

function date(raw: string, where: string): Date {
  if (raw === '') throw new MalformedFeedError(`${where}: missing date`);
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new MalformedFeedError(`${where}: "${raw}" is not a date`);
  return new Date(ms);
}

function link(v: unknown, where: string): string {
  const raw = text(v);
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return raw;
  } catch {
    throw new MalformedFeedError(`${where}: "${raw.slice(0, 80)}" is not an http(s) URL`);
  }
}

export function parseFeed(xml: string, feedUrl: string): ParsedArticle[] {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (e) {
    throw new MalformedFeedError(`not XML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc.rss && typeof doc.rss === 'object') return parseRss(doc.rss as Node, feedUrl);
  if (doc.feed && typeof doc.feed === 'object') return parseAtom(doc.feed as Node, feedUrl);
  throw new MalformedFeedError('neither an RSS 2.0 <rss> nor an Atom <feed> document');
}

function parseRss(rss: Node, feedUrl: string): ParsedArticle[] {
  const channel = rss.channel as Node | undefined;
  if (!channel || typeof channel !== 'object') throw new MalformedFeedError('rss: no <channel>');
  const source = text(channel.title) || new URL(feedUrl).host;
  const items = (channel.item as Node[] | undefined) ?? [];
  return items.map((item, i) => {
    const where = `channel.item[${i}]`;
    const title = plain(text(item.title));
    if (title === '') throw new MalformedFeedError(`${where}.title: missing`);
    const url = link((item.link as unknown[] | undefined)?.[0], `${where}.link`);
    const guid = text(item.guid);
    return {
      providerId: guid === '' ? null : guid,
      source: text(item.source) || source,
      url,
      title,
      summary: plain(text(item.description)),
      publishedAt: date(text(item.pubDate) || text(item['dc:date']), `${where}.pubDate`),
      tickers: [],
      providerSentiment: null,
    };
  });
}

function parseAtom(feed: Node, feedUrl: string): ParsedArticle[] {
  const source = plain(text(feed.title)) || new URL(feedUrl).host;
  const entries = (feed.entry as Node[] | undefined) ?? [];
  return entries.map((entry, i) => {
    const where = `feed.entry[${i}]`;
    const title = plain(text(entry.title));
    if (title === '') throw new MalformedFeedError(`${where}.title: missing`);
    const links = ((entry.link as Node[] | undefined) ?? []).filter((l) => (l['@_rel'] ?? 'alternate') === 'alternate');
    if (links.length === 0) throw new MalformedFeedError(`${where}.link: no alternate link`);
    const url = link(links[0]['@_href'], `${where}.link`);
    const id = text(entry.id);
    return {
      providerId: id === '' ? null : id,
      source,
      url,
      title,
      summary: plain(text(entry.summary) || text(entry.content)),
      publishedAt: date(text(entry.published) || text(entry.updated), `${where}.published`),
      tickers: [],
      providerSentiment: null,
    };
  });
}
