import { canonicalUrl } from './canonical-url';

describe('canonicalUrl', () => {
  it('drops utm_* and click ids, the fragment and the default port; lower-cases the host; sorts the rest; no trailing slash', () => {
    expect(canonicalUrl('https://WWW.Reuters.com:443/markets/apple-earnings/?utm_source=rss&b=2&a=1&fbclid=xyz#top')).toBe('https://www.reuters.com/markets/apple-earnings?a=1&b=2');
    expect(canonicalUrl('http://example.com:80/')).toBe('http://example.com');
    expect(canonicalUrl('http://example.com:8080/x/')).toBe('http://example.com:8080/x');
  });

  it('keeps what identifies the page: path case and non-tracking parameters', () => {
    expect(canonicalUrl('https://example.com/News/Story?id=42')).toBe('https://example.com/News/Story?id=42');
    expect(canonicalUrl('https://example.com/a?id=42')).not.toBe(canonicalUrl('https://example.com/a?id=43'));
  });

  it('one story through two links is one URL', () => {
    expect(canonicalUrl('https://finance.yahoo.com/news/x-1.html?utm_medium=feed&guccounter=1')).toBe(canonicalUrl('https://FINANCE.yahoo.com:443/news/x-1.html#comments'));
  });
});
