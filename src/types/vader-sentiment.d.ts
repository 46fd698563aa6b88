// vader-sentiment ships no types; this is the part of its API we use (Hutto & Gilbert 2014 port).
declare module 'vader-sentiment' {
  export interface PolarityScores {
    readonly neg: number;
    readonly neu: number;
    readonly pos: number;
    /** Normalized sum of valences, in [-1, 1]. */
    readonly compound: number;
  }
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): PolarityScores;
  };
}
