import { parseTranscript, recentQuarters, TranscriptMalformed, transcriptNotice } from './transcript.parser';

describe('transcript parser', () => {
  it('lists the past calendar quarters, newest first, across a year boundary', () => {
    expect(recentQuarters(new Date('2025-02-10T00:00:00Z'), 3)).toEqual(['2024Q4', '2024Q3', '2024Q2']);
    expect(recentQuarters(new Date('2024-12-31T23:59:59Z'), 1)).toEqual(['2024Q3']);
  });

  it("tells Alpha Vantage's rate-limit notice from its errors", () => {
    expect(transcriptNotice({ Information: 'Our standard API rate limit is 25 requests per day.' })).toMatchObject({ kind: 'rate-limit' });
    expect(transcriptNotice({ Note: 'API call frequency is 5 calls per minute' })).toMatchObject({ kind: 'rate-limit' });
    expect(transcriptNotice({ 'Error Message': 'Invalid API call.' })).toMatchObject({ kind: 'error' });
    expect(transcriptNotice({ symbol: 'IBM', quarter: '2024Q1', transcript: [] })).toBeNull();
  });

  it('reads segments with their sentiment and refuses a wrong quarter or a bad segment', () => {
    const body = { symbol: 'IBM', quarter: '2024Q1', transcript: [{ speaker: 'A', title: 'CEO', content: 'Hello', sentiment: '0.4' }] };
    expect(parseTranscript(body, 'IBM', '2024Q1').segments).toEqual([{ speaker: 'A', title: 'CEO', content: 'Hello', sentiment: 0.4 }]);
    expect(() => parseTranscript(body, 'IBM', '2024Q2')).toThrow(TranscriptMalformed);
    expect(() => parseTranscript({ ...body, transcript: [{ speaker: 'A', content: '' }] }, 'IBM', '2024Q1')).toThrow(/content/);
    expect(() => parseTranscript({ ...body, transcript: 'none' }, 'IBM', '2024Q1')).toThrow(/not an array/);
  });
});
