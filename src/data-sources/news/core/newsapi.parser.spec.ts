import { newsApiError, parseNewsApi } from './newsapi.parser';

describe('NewsAPI /v2/everything parser', () => {
  it('reads articles', () => {
    const [a] = parseNewsApi({
      status: 'ok',
      totalResults: 1,
      articles: [{ source: { id: null, name: 'Reuters' }, author: null, title: 'Nvidia up', description: 'Shares rose.', url: 'https://reuters.com/n', urlToImage: null, publishedAt: '2024-07-10T13:30:00Z', content: null }],
    });
    expect(a).toMatchObject({ source: 'Reuters', title: 'Nvidia up', summary: 'Shares rose.' });
    expect(a.publishedAt.toISOString()).toBe('2024-07-10T13:30:00.000Z');
  });

  it('reads the documented error body and refuses a partial answer', () => {
    expect(newsApiError({ status: 'error', code: 'rateLimited', message: 'You have made too many requests recently.' })).toEqual({ code: 'rateLimited', message: 'You have made too many requests recently.' });
    expect(newsApiError({ status: 'ok', articles: [] })).toBeNull();
    expect(() => parseNewsApi({ status: 'ok', articles: [{ title: 'x', url: 'https://a.com/x' }] })).toThrow(/articles\[0\]\.publishedAt/);
  });
});
