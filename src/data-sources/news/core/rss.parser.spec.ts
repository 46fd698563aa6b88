import { MalformedFeedError } from './news-article';
import { parseFeed } from './rss.parser';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>MarketWatch.com - Top Stories</title><link>https://www.marketwatch.com</link><description>Top stories</description>
<item><title>Stocks rally &amp; Treasury yields fall</title><link>https://www.marketwatch.com/story/stocks-rally-11</link>
<description><![CDATA[<p>The <b>S&P 500</b> rose.</p>]]></description><pubDate>Wed, 10 Jul 2024 13:30:00 GMT</pubDate><guid isPermaLink="true">https://www.marketwatch.com/story/stocks-rally-11</guid></item>
</channel></rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Example Finance</title><id>urn:x</id><updated>2024-07-10T14:00:00Z</updated>
<entry><title>Tesla deliveries rise</title><link rel="self" href="https://example.com/self/1"/><link rel="alternate" type="text/html" href="https://example.com/tesla-1"/>
<id>tag:example.com,2024:1</id><updated>2024-07-10T14:00:00Z</updated><content type="html">&lt;p&gt;Deliveries rose.&lt;/p&gt;</content></entry>
</feed>`;

describe('RSS 2.0 / Atom parser', () => {
  it('reads an RSS 2.0 item: entities, CDATA markup stripped, RFC 822 date, guid', () => {
    const [a] = parseFeed(RSS, 'https://feeds.example.com/mw');
    expect(a).toMatchObject({ title: 'Stocks rally & Treasury yields fall', summary: 'The S&P 500 rose.', source: 'MarketWatch.com - Top Stories', providerId: 'https://www.marketwatch.com/story/stocks-rally-11' });
    expect(a.publishedAt.toISOString()).toBe('2024-07-10T13:30:00.000Z');
  });

  it('reads an Atom entry: the alternate link, content when no summary, updated when no published', () => {
    const [a] = parseFeed(ATOM, 'https://example.com/atom');
    expect(a).toMatchObject({ url: 'https://example.com/tesla-1', summary: 'Deliveries rose.', source: 'Example Finance', providerId: 'tag:example.com,2024:1' });
    expect(a.publishedAt.toISOString()).toBe('2024-07-10T14:00:00.000Z');
  });

  it('refuses the whole document when an item lacks its date or link, or it is not a feed', () => {
    expect(() => parseFeed(RSS.replace(/<pubDate>.*<\/pubDate>/, ''), 'https://x.com')).toThrow(new MalformedFeedError('channel.item[0].pubDate: missing date'));
    expect(() => parseFeed(RSS.replace('https://www.marketwatch.com/story/stocks-rally-11</link>', 'javascript:alert(1)</link>'), 'https://x.com')).toThrow(/link/);
    expect(() => parseFeed('<html><body/></html>', 'https://x.com')).toThrow(/neither/);
  });
});
