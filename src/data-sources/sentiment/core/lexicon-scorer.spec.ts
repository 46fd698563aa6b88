import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { combineWithProvider, LexiconSentimentScorer, scoreLexicon } from './lexicon-scorer';

describe('scoreLexicon (VADER + finance lexicon)', () => {
  it('is VADER itself on text with no finance term', () => {
    const text = 'What a great and wonderful day';
    expect(scoreLexicon(text).score).toBeCloseTo(SentimentIntensityAnalyzer.polarity_scores(text).compound, 3);
  });

  it('reads headlines VADER calls neutral', () => {
    expect(SentimentIntensityAnalyzer.polarity_scores('Apple beats estimates, raises guidance').compound).toBe(0);
    const up = scoreLexicon('Apple beats estimates, raises guidance');
    expect(up.score).toBeGreaterThan(0.5);
    expect(up.financeHits).toBe(2);
    expect(scoreLexicon('Boeing downgraded as deliveries plunge').score).toBeLessThan(-0.5);
  });

  it('counts a word both lexicons know once, and neutralizes words VADER misreads', () => {
    expect(SentimentIntensityAnalyzer.polarity_scores('The company reported liabilities').compound).not.toBe(0);
    expect(scoreLexicon('The company reported liabilities').score).toBe(0);
    const fraud = scoreLexicon('fraud');
    expect(fraud.finance).toBe(-3.2);
    expect(fraud.score).toBeCloseTo(-3.2 / Math.sqrt(3.2 * 3.2 + 15), 10);
  });

  it('scales a negated finance term by VADER\'s -0.74', () => {
    const s = scoreLexicon('did not miss');
    expect(s.finance).toBeCloseTo(-2 * -0.74, 10);
    expect(s.score).toBeGreaterThan(0);
  });

  it('combines with a provider score, weighted', () => {
    expect(combineWithProvider(0.4, null)).toBe(0.4);
    expect(combineWithProvider(0.4, -0.2)).toBeCloseTo(0.1, 12);
    expect(combineWithProvider(0, 3, 1)).toBe(1);
  });

  it('labels through the SentimentScorer interface with VADER\'s thresholds', async () => {
    const out = await new LexiconSentimentScorer().score([
      { id: 'a', title: 'Shares soar after FDA approval', body: '' },
      { id: 'b', title: 'Company files for Chapter 11', body: 'going concern doubts' },
      { id: 'c', title: 'Board meets on Tuesday', body: '' },
    ]);
    expect(out.map((o) => [o.id, o.label])).toEqual([
      ['a', 'bullish'],
      ['b', 'bearish'],
      ['c', 'neutral'],
    ]);
  });
});
