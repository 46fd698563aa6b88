/**
 * Venue scores: what routing has learned about each venue, folded back into the cost model
 * (pure: no framework, no I/O).
 *
 * Every child order is one observation: the fraction of it that filled x = filled / sent, the
 * latency it saw, and, when something filled, the realized cost of those fills in bps of the
 * mid at send time minus the cost the model expected for them (the "excess").
 *
 * Update rules, with a forgetting factor λ in (0, 1] per observation (λ = 2^(-1/halfLife)) and a
 * prior weight n0 (how many observations the configured priors are worth):
 *
 * - Fill probability: a conjugate Beta–Bernoulli update (Gelman et al., Bayesian Data
 *   Analysis, 3rd ed., §2.4) with exponential forgetting of old evidence (the discount-factor
 *   idea of West & Harrison, Bayesian Forecasting and Dynamic Models, 1997, ch. 10):
 *     A ← λ·A + x,   B ← λ·B + (1 − x)
 *     p̂ = (n0·p0 + A) / (n0 + A + B)
 *   With no evidence p̂ = p0 (the configured prior); as evidence accumulates it dominates, and
 *   since old evidence decays, a venue whose fill rate drops is noticed within a few half-lives.
 * - Latency and excess cost: an exponentially weighted mean (EWMA, RiskMetrics 1996 form) kept as
 *   weight and mean, W ← λ·W + 1, m ← m + (x − m)/W, shrunk toward the prior as a normal
 *   posterior mean with prior weight n0:  est = (n0·prior + W·m) / (n0 + W).
 *   The latency prior is the configured latency; the excess-cost prior is 0 (the model is right).
 */
import type { Venue } from './venue.model';

export interface EwmaState {
  readonly weight: number;
  readonly mean: number;
}

export interface VenueScoreState {
  readonly venue: string;
  /** Decayed filled evidence A (sum of λ-weighted fill fractions). */
  readonly filledEvidence: number;
  /** Decayed missed evidence B. */
  readonly missedEvidence: number;
  readonly latency: EwmaState;
  /** Realized minus expected cost of filled shares, bps. */
  readonly excessCost: EwmaState;
  /** Realized cost of filled shares, bps of the mid at send time (reported, not used in the model). */
  readonly realizedCost: EwmaState;
  readonly childOrders: number;
  readonly sharesSent: number;
  readonly sharesFilled: number;
}

export interface ScoreParams {
  /** Observations after which old evidence weighs half. */
  readonly halfLife: number;
  /** How many observations the configured priors are worth. */
  readonly priorWeight: number;
}

export interface ChildObservation {
  readonly venue: string;
  readonly sent: number;
  readonly filled: number;
  readonly latencyMs: number;
  /** Model cost of the filled shares, bps of mid (null when nothing filled). */
  readonly expectedCostBps: number | null;
  /** Realized cost of the filled shares, bps of mid (null when nothing filled). */
  readonly realizedCostBps: number | null;
}

/** The estimates the cost model uses in place of the priors. */
export interface EffectiveVenueScore {
  readonly venue: string;
  readonly fillProbability: number;
  readonly latencyMs: number;
  readonly excessCostBps: number;
}

export function emptyScore(venue: string): VenueScoreState {
  const zero = { weight: 0, mean: 0 };
  return { venue, filledEvidence: 0, missedEvidence: 0, latency: zero, excessCost: zero, realizedCost: zero, childOrders: 0, sharesSent: 0, sharesFilled: 0 };
}

export function forgettingFactor(halfLife: number): number {
  return Math.pow(2, -1 / halfLife);
}

function ewma(s: EwmaState, x: number, lambda: number): EwmaState {
  const weight = lambda * s.weight + 1;
  return { weight, mean: s.mean + (x - s.mean) / weight };
}

/** One child order's evidence folded into the venue's score (see the file header). */
export function updateScore(s: VenueScoreState, o: ChildObservation, params: ScoreParams): VenueScoreState {
  if (o.sent <= 0) return s;
  const lambda = forgettingFactor(params.halfLife);
  const x = Math.min(1, Math.max(0, o.filled / o.sent));
  const priced = o.filled > 0 && o.expectedCostBps !== null && o.realizedCostBps !== null;
  return {
    venue: s.venue,
    filledEvidence: lambda * s.filledEvidence + x,
    missedEvidence: lambda * s.missedEvidence + (1 - x),
    latency: ewma(s.latency, o.latencyMs, lambda),
    excessCost: priced ? ewma(s.excessCost, (o.realizedCostBps as number) - (o.expectedCostBps as number), lambda) : s.excessCost,
    realizedCost: priced ? ewma(s.realizedCost, o.realizedCostBps as number, lambda) : s.realizedCost,
    childOrders: s.childOrders + 1,
    sharesSent: s.sharesSent + o.sent,
    sharesFilled: s.sharesFilled + o.filled,
  };
}

/** Posterior estimates (see the file header); with no score, the priors themselves. */
export function effectiveScore(venue: Venue, s: VenueScoreState | undefined, params: ScoreParams): EffectiveVenueScore {
  const n0 = params.priorWeight;
  if (!s) return { venue: venue.name, fillProbability: venue.fillProbability, latencyMs: venue.latencyMs, excessCostBps: 0 };
  const fillProbability = (n0 * venue.fillProbability + s.filledEvidence) / (n0 + s.filledEvidence + s.missedEvidence);
  const shrink = (prior: number, e: EwmaState): number => (n0 + e.weight === 0 ? prior : (n0 * prior + e.weight * e.mean) / (n0 + e.weight));
  return { venue: venue.name, fillProbability, latencyMs: shrink(venue.latencyMs, s.latency), excessCostBps: shrink(0, s.excessCost) };
}
