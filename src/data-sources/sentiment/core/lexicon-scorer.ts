import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { FINANCE_PHRASES, FINANCE_WORDS } from './finance-lexicon';
import { labelOf, type ScorableText, type SentimentScore, type SentimentScorer } from '../sentiment-scorer';

/** VADER's normalization constant: compound = s / sqrt(s^2 + alpha) (vaderSentiment.normalize). */
const ALPHA = 15;
/** VADER's negation scalar (N_SCALAR): a negated valence is multiplied by -0.74. */
const NEGATION_SCALAR = -0.74;
const NEGATIONS = new Set(['not', 'no', 'never', 'without', "isn't", "doesn't", "didn't", "won't", "wasn't", "aren't", 'nor']);

/** The VADER valence sum that gives this compound (the inverse of VADER's normalization). */
function rawOf(compound: number): number {
  const c = Math.max(-0.9999, Math.min(0.9999, compound));
  return c * Math.sqrt(ALPHA / (1 - c * c));
}

interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(/[A-Za-z0-9][A-Za-z0-9'-]*/g)].map((m) => ({ word: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

export interface LexiconScore {
  /** VADER's compound adjusted by the finance lexicon, in [-1, 1]. */
  readonly score: number;
  /** VADER's compound of the text without the finance terms. */
  readonly vader: number;
  /** Sum of the finance valences found (after negation). */
  readonly finance: number;
  /** Finance terms found (zero-valence overrides included). */
  readonly financeHits: number;
  /** In [0, 1]: VADER's share of sentiment-bearing text plus the share of tokens that were finance terms. */
  readonly confidence: number;
}

/**
 * VADER (Hutto & Gilbert 2014, through the vader-sentiment port) with a finance lexicon. Each
 * finance term (phrases first, then words) is taken out of the text VADER reads and counted once
 * with our valence instead, so a word both lexicons know is not counted twice and a word VADER
 * misreads ("liability") is neutralized. VADER's compound of the rest is turned back into its
 * valence sum (the inverse of its normalization), the finance valences are added, and the total
 * is normalized again as VADER does: s / sqrt(s^2 + 15). A finance term within three tokens after
 * a negation is scaled by VADER's negation scalar, -0.74.
 */
export function scoreLexicon(text: string): LexiconScore {
  const toks = tokens(text);
  const cut: [number, number][] = [];
  let finance = 0;
  let hits = 0;
  for (let i = 0; i < toks.length; i++) {
    let valence: number | undefined;
    let span = 1;
    for (const n of [3, 2]) {
      if (i + n > toks.length) continue;
      const p = FINANCE_PHRASES.get(toks.slice(i, i + n).map((t) => t.word).join(' '));
      if (p !== undefined) {
        valence = p;
        span = n;
        break;
      }
    }
    valence ??= FINANCE_WORDS.get(toks[i].word);
    if (valence === undefined) continue;
    cut.push([toks[i].start, toks[i + span - 1].end]);
    hits++;
    const negated = toks.slice(Math.max(0, i - 3), i).some((t) => NEGATIONS.has(t.word) || t.word.endsWith("n't"));
    finance += negated ? valence * NEGATION_SCALAR : valence;
    i += span - 1;
  }
  let rest = text;
  for (let k = cut.length - 1; k >= 0; k--) rest = `${rest.slice(0, cut[k][0])} ${rest.slice(cut[k][1])}`;
  const v = SentimentIntensityAnalyzer.polarity_scores(rest);
  const raw = rawOf(v.compound) + finance;
  const score = raw === 0 ? 0 : raw / Math.sqrt(raw * raw + ALPHA);
  const confidence = Math.min(1, 1 - v.neu + hits / Math.max(1, toks.length));
  return { score, vader: v.compound, finance, financeHits: hits, confidence };
}

/**
 * Our score combined with the provider's where it gave one (Alpha Vantage's
 * ticker_sentiment_score, StockTwits' bullish/bearish label as +1/-1): the mean of the two,
 * weighted `providerWeight` to the provider. Both are on [-1, 1].
 */
export function combineWithProvider(own: number, provider: number | null, providerWeight = 0.5): number {
  if (provider === null || !Number.isFinite(provider)) return own;
  const p = Math.max(-1, Math.min(1, provider));
  return (1 - providerWeight) * own + providerWeight * p;
}

/** The lexicon scorer behind the SentimentScorer interface: title and body scored as one text. */
export class LexiconSentimentScorer implements SentimentScorer {
  readonly name = 'vader-finance';

  score(texts: readonly ScorableText[]): Promise<SentimentScore[]> {
    return Promise.resolve(
      texts.map((t) => {
        const s = scoreLexicon(`${t.title}. ${t.body}`.trim());
        return { id: t.id, score: s.score, label: labelOf(s.score), confidence: s.confidence };
      }),
    );
  }
}
