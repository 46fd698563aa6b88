import { alphaVantageNotice, parseAlphaVantageNews, parseAlphaVantageTime } from './alphavantage-news.parser';
import { MalformedFeedError } from './news-article';

const story = {
  title: 'Apple beats',
  url: 'https://www.benzinga.com/apple',
  time_published: '20240710T093000',
  summary: 'Apple beat.',
  source: 'Benzinga',
  overall_sentiment_score: 0.21,
  overall_sentiment_label: 'Somewhat-Bullish',
  ticker_sentiment: [{ ticker: 'AAPL', relevance_score: '0.83', ticker_sentiment_score: '0.412', ticker_sentiment_label: 'Bullish' }],
};

describe('Alpha Vantage NEWS_SENTIMENT parser', () => {
  it('reads stories, per-ticker scores (strings) and the overall score', () => {
    const [a] = parseAlphaVantageNews({ items: '1', feed: [story] });
    expect(a.tickers).toEqual([{ symbol: 'AAPL', score: 0.412, relevance: 0.83, label: 'Bullish' }]);
    expect(a.providerSentiment).toBe(0.21);
    expect(a.source).toBe('Benzinga');
  });

  it('reads time_published as US Eastern, daylight time included', () => {
    expect(parseAlphaVantageTime('20240710T093000', 'x').toISOString()).toBe('2024-07-10T13:30:00.000Z'); // EDT, UTC-4
    expect(parseAlphaVantageTime('20240110T093000', 'x').toISOString()).toBe('2024-01-10T14:30:00.000Z'); // EST, UTC-5
    expect(parseAlphaVantageTime('20240310T030000', 'x').toISOString()).toBe('2024-03-10T07:00:00.000Z'); // first hour of EDT
    expect(parseAlphaVantageTime('20241103T0600', 'x').toISOString()).toBe('2024-11-03T11:00:00.000Z'); // back on EST
  });

  it('refuses a partial answer naming the field', () => {
    expect(() => parseAlphaVantageNews({ feed: [story, { ...story, time_published: undefined }] })).toThrow(new MalformedFeedError('feed[1].time_published: missing'));
    expect(() => parseAlphaVantageNews({ feed: [{ ...story, ticker_sentiment: [{ ticker: 'AAPL', relevance_score: '2', ticker_sentiment_score: '0.1' }] }] })).toThrow(/relevance_score/);
    expect(() => parseAlphaVantageNews({ items: '0' })).toThrow(/feed: missing/);
  });

  it('tells rate-limit notices from errors (both HTTP 200)', () => {
    expect(alphaVantageNotice({ Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day.' })?.kind).toBe('rate-limit');
    expect(alphaVantageNotice({ Information: 'our standard API rate limit is 25 requests per day.' })?.kind).toBe('rate-limit');
    expect(alphaVantageNotice({ 'Error Message': 'Invalid API call.' })).toEqual({ kind: 'error', message: 'Invalid API call.' });
    expect(alphaVantageNotice({ feed: [] })).toBeNull();
  });
});
