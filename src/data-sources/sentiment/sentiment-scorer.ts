/**
 * One interface for every sentiment scorer (the VADER + finance-lexicon scorer, an
 * OpenAI-compatible LLM endpoint), so storage and aggregation do not care which one scored.
 */
export interface ScorableText {
  /** The item's id (article, post), echoed back in the score. */
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

export interface SentimentScore {
  readonly id: string;
  /** In [-1, 1]: -1 most negative, 1 most positive (VADER's compound convention). */
  readonly score: number;
  readonly label: 'bearish' | 'neutral' | 'bullish';
  /** In [0, 1]; how sure the scorer is (a lexicon scorer: share of words it knew). */
  readonly confidence: number;
  /** Which scorer produced this score when it differs per batch (an LLM batch that fell back to the lexicon); else the scorer's name. */
  readonly scorer?: string;
}

export interface SentimentScorer {
  /** Stored with each score, e.g. `vader-finance`, `llm:gpt-4o-mini`. */
  readonly name: string;
  score(texts: readonly ScorableText[]): Promise<SentimentScore[]>;
}

/** VADER's own thresholds (Hutto & Gilbert 2014): compound >= 0.05 positive, <= -0.05 negative. */
export function labelOf(score: number): SentimentScore['label'] {
  if (score >= 0.05) return 'bullish';
  if (score <= -0.05) return 'bearish';
  return 'neutral';
}
