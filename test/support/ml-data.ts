/** Synthetic bars with sentiment for the ml core specs (seeded: the same data on every run). */
import { marketData, type MarketData } from '../../src/strategies/core/market-data.types';

/** Seeded LCG (Numerical Recipes constants) so the synthetic data is the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function syntheticData(n: number, seed: number): MarketData {
  const r = rng(seed);
  const close = new Float64Array(n);
  const score = new Float64Array(n);
  const mentions = new Float64Array(n);
  let c = 100;
  for (let t = 0; t < n; t++) {
    // Two volatility regimes so the HMM has something to tell apart.
    const vol = Math.floor(t / 80) % 2 === 0 ? 0.005 : 0.02;
    c *= Math.exp(vol * (r() + r() + r() - 1.5) * 2 + 0.0003);
    close[t] = c;
    const items = r() < 0.3 ? 0 : Math.floor(r() * 5) + 1;
    mentions[t] = items;
    score[t] = items === 0 ? NaN : r() * 2 - 1;
  }
  return marketData(['SYN'], [{ close, sentiment: { score, mentions } }]);
}

/** The data with every bar after t replaced by other random values. */
export function perturbAfter(data: MarketData, t: number, seed: number): MarketData {
  const r = rng(seed);
  const b = data.bars[0];
  const close = Float64Array.from(b.close);
  const score = Float64Array.from(b.sentiment!.score);
  const mentions = Float64Array.from(b.sentiment!.mentions);
  for (let i = t + 1; i < data.length; i++) {
    close[i] = 50 + 100 * r();
    score[i] = r() * 2 - 1;
    mentions[i] = Math.floor(r() * 9);
  }
  return marketData(data.symbols, [{ close, sentiment: { score, mentions } }]);
}

export function bitEqual(a: ArrayLike<number>, b: ArrayLike<number>, upTo: number): boolean {
  for (let i = 0; i <= upTo; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

