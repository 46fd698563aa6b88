import { StrategyParamError } from '../../core/strategy-params';
import { createAvellanedaStoikovQuoter, emptyQuotePair, optimalSpread, reservationPrice, type MarketState } from './avellaneda-stoikov.quoter';
import { MARKET_MAKING_PARAMS, resolveMarketMakingParams } from './market-making.params';
import { MarketSignalsTracker } from './market-signals.tracker';

function state(over: Partial<MarketState> = {}): MarketState {
  return { time: 0, mid: 100, sigma: 2, sigmaBaseline: 2, orderFlowImbalance: 0, adverse: false, ...over };
}

// Hand-computed (A-S 2008 with s = 100, γ = 0.1, σ = 2, k = 1.5, T - t = 0.5):
//   r(q = 2) = 100 - 2·0.1·4·0.5 = 99.6
//   spread   = 0.1·4·0.5 + (2/0.1)·ln(1 + 0.1/1.5) = 0.2 + 20·ln(16/15) = 0.2 + 20·0.0645385211375712 = 1.490770422751424
const SPREAD = 1.490770422751424;

describe('Avellaneda-Stoikov formulas', () => {
  it('reservation price and optimal spread equal the hand-computed values', () => {
    expect(reservationPrice(100, 2, 0.1, 2, 0.5)).toBeCloseTo(99.6, 12);
    expect(reservationPrice(100, -3, 0.1, 2, 0.5)).toBeCloseTo(100.6, 12);
    expect(reservationPrice(100, 0, 0.1, 2, 0.5)).toBe(100);
    expect(optimalSpread(0.1, 2, 0.5, 1.5)).toBeCloseTo(SPREAD, 12);
    // τ = 0: only the liquidity term (2/γ)·ln(1 + γ/k) remains; γ → 0 gives 2/k.
    expect(optimalSpread(0.1, 2, 0, 1.5)).toBeCloseTo(20 * Math.log(16 / 15), 12);
    expect(optimalSpread(1e-9, 2, 1, 1.5)).toBeCloseTo(2 / 1.5, 6);
  });
});

describe('createAvellanedaStoikovQuoter', () => {
  const finite = resolveMarketMakingParams({ rollingHorizon: false, horizon: 1, sigma: 2, qMax: 10 });

  it('quotes r ∓ spread/2 with T - t counting down in the finite-horizon variant', () => {
    const out = emptyQuotePair();
    createAvellanedaStoikovQuoter(finite).quote(state({ time: 0.5 }), 2, out);
    expect(out.reservation).toBeCloseTo(99.6, 12);
    expect(out.spread).toBeCloseTo(SPREAD, 12);
    expect(out.bidPrice).toBeCloseTo(99.6 - SPREAD / 2, 12);
    expect(out.askPrice).toBeCloseTo(99.6 + SPREAD / 2, 12);
    expect(out.bidSize).toBe(1);
    expect(out.askSize).toBe(1);
    // Past the horizon T - t = 0: no inventory term, the liquidity spread only.
    createAvellanedaStoikovQuoter(finite).quote(state({ time: 3 }), 2, out);
    expect(out.reservation).toBe(100);
    expect(out.spread).toBeCloseTo(20 * Math.log(16 / 15), 12);
  });

  it('holds T - t at the horizon in the rolling variant (the default): time does not move the quotes', () => {
    const rolling = resolveMarketMakingParams({ horizon: 0.5, sigma: 2 });
    expect(rolling.rollingHorizon).toBe(true);
    const a = emptyQuotePair();
    const b = emptyQuotePair();
    const quoter = createAvellanedaStoikovQuoter(rolling);
    quoter.quote(state({ time: 0 }), 2, a);
    quoter.quote(state({ time: 1e6 }), 2, b);
    expect(b).toEqual(a);
    expect(a.reservation).toBeCloseTo(99.6, 12);
    expect(a.spread).toBeCloseTo(SPREAD, 12);
    // The quoter's precomputed liquidity term gives optimalSpread's very double.
    expect(a.spread).toBe(optimalSpread(0.1, 2, 0.5, 1.5));
    expect(a.reservation).toBe(reservationPrice(100, 2, 0.1, 2, 0.5));
  });

  it('stops quoting the bid at q >= qMax and the ask at q <= -qMax, and cuts sizes at the limit', () => {
    const p = resolveMarketMakingParams({ sigma: 2, qMax: 3, orderSize: 1 });
    const quoter = createAvellanedaStoikovQuoter(p);
    const out = emptyQuotePair();
    quoter.quote(state(), 3, out);
    expect(out.bidSize).toBe(0);
    expect(out.bidPrice).toBeNaN();
    expect(out.askSize).toBe(1);
    expect(Number.isFinite(out.askPrice)).toBe(true);
    quoter.quote(state(), -3, out);
    expect(out.askSize).toBe(0);
    expect(out.askPrice).toBeNaN();
    expect(out.bidSize).toBe(1);
    quoter.quote(state(), 2.5, out);
    expect(out.bidSize).toBe(0.5);
    quoter.quote(state(), -2.75, out);
    expect(out.askSize).toBe(0.25);
    // qMax = 0: no limit.
    const unlimited = createAvellanedaStoikovQuoter(resolveMarketMakingParams({ sigma: 2, qMax: 0 }));
    unlimited.quote(state(), 1e6, out);
    expect(out.bidSize).toBe(1);
    expect(out.askSize).toBe(1);
  });

  it('skews both quotes down when long and up when short; inventorySkew adds -inventorySkew·q', () => {
    const p = resolveMarketMakingParams({ sigma: 2 });
    const quoter = createAvellanedaStoikovQuoter(p);
    const flat = emptyQuotePair();
    const long = emptyQuotePair();
    const short = emptyQuotePair();
    quoter.quote(state(), 0, flat);
    quoter.quote(state(), 2, long);
    quoter.quote(state(), -2, short);
    expect(flat.reservation).toBe(100);
    expect(long.bidPrice).toBeLessThan(flat.bidPrice);
    expect(long.askPrice).toBeLessThan(flat.askPrice);
    expect(short.bidPrice).toBeGreaterThan(flat.bidPrice);
    expect(short.askPrice).toBeGreaterThan(flat.askPrice);
    // Long: the ask is nearer the mid than the bid (selling is made likelier).
    expect(long.askPrice - 100).toBeLessThan(100 - long.bidPrice);

    const skewed = createAvellanedaStoikovQuoter(resolveMarketMakingParams({ sigma: 2, inventorySkew: 0.05 }));
    const s = emptyQuotePair();
    skewed.quote(state(), 2, s);
    expect(s.reservation).toBeCloseTo(long.reservation - 0.1, 12);
    expect(s.spread).toBe(long.spread);
  });

  it('widens the spread by volWiden while σ > volThreshold × baseline, and only then', () => {
    const p = resolveMarketMakingParams({ sigma: 2, volThreshold: 1.5, volWiden: 2 });
    const quoter = createAvellanedaStoikovQuoter(p);
    const calm = emptyQuotePair();
    const atThreshold = emptyQuotePair();
    const stormy = emptyQuotePair();
    quoter.quote(state({ sigma: 1, sigmaBaseline: 1 }), 0, calm);
    quoter.quote(state({ sigma: 1.5, sigmaBaseline: 1 }), 0, atThreshold);
    quoter.quote(state({ sigma: 1.6, sigmaBaseline: 1 }), 0, stormy);
    expect(atThreshold.spread).toBe(calm.spread);
    expect(stormy.spread).toBeCloseTo(2 * calm.spread, 12);
    // Warm-up (NaN baseline) never widens.
    const warm = emptyQuotePair();
    quoter.quote(state({ sigma: NaN, sigmaBaseline: NaN }), 0, warm);
    expect(warm.spread).toBe(calm.spread);
  });

  it('widens after adverse fills and on the side one-sided flow hits', () => {
    const p = resolveMarketMakingParams({ sigma: 2, adverseWiden: 1.25, ofiThreshold: 0.6, ofiWiden: 3 });
    const quoter = createAvellanedaStoikovQuoter(p);
    const base = emptyQuotePair();
    const adverse = emptyQuotePair();
    const buying = emptyQuotePair();
    const selling = emptyQuotePair();
    quoter.quote(state(), 0, base);
    quoter.quote(state({ adverse: true }), 0, adverse);
    quoter.quote(state({ orderFlowImbalance: 0.8 }), 0, buying);
    quoter.quote(state({ orderFlowImbalance: -0.8 }), 0, selling);
    expect(adverse.spread).toBeCloseTo(1.25 * base.spread, 12);
    expect(adverse.askPrice - adverse.bidPrice).toBeCloseTo(1.25 * (base.askPrice - base.bidPrice), 12);
    const half = base.spread / 2;
    expect(buying.askPrice).toBeCloseTo(100 + 3 * half, 12);
    expect(buying.bidPrice).toBeCloseTo(100 - half, 12);
    expect(selling.bidPrice).toBeCloseTo(100 - 3 * half, 12);
    expect(selling.askPrice).toBeCloseTo(100 + half, 12);
    const mild = emptyQuotePair();
    quoter.quote(state({ orderFlowImbalance: 0.6 }), 0, mild);
    expect(mild).toEqual(base);
  });

  it('rounds the bid down and the ask up to the tick', () => {
    const quoter = createAvellanedaStoikovQuoter(resolveMarketMakingParams({ sigma: 2, tickSize: 0.25 }));
    const out = emptyQuotePair();
    quoter.quote(state(), 0, out);
    // Default rolling T - t = 1: spread 0.4 + 20·ln(16/15) = 1.6907704; 100 ∓ 0.8453852 = 99.1546 → 99, 100.8454 → 101.
    expect(out.bidPrice).toBe(99);
    expect(out.askPrice).toBe(101);
  });

  it('quotes nothing while the mid or the volatility is unknown', () => {
    const estimated = createAvellanedaStoikovQuoter(resolveMarketMakingParams());
    const out = emptyQuotePair();
    estimated.quote(state({ sigma: NaN }), 0, out);
    expect(out).toEqual(emptyQuotePair());
    estimated.quote(state({ mid: NaN }), 0, out);
    expect(out).toEqual(emptyQuotePair());
    estimated.quote(state(), 0, out);
    expect(out.bidSize).toBe(1);
  });
});

describe('market-making parameters', () => {
  it('declares a type, range and default for each parameter; the defaults resolve', () => {
    for (const s of MARKET_MAKING_PARAMS) {
      expect(s.description.length).toBeGreaterThan(0);
      if (s.type !== 'bool') expect(s.min !== undefined && s.max !== undefined).toBe(true);
    }
    const d = resolveMarketMakingParams();
    expect(d.gamma).toBe(0.1);
    expect(d.k).toBe(1.5);
    expect(d.A).toBe(140);
  });

  it.each([
    [{ gamma: 0 }, 'gamma'],
    [{ k: -1 }, 'k'],
    [{ volWarmup: 1.5 }, 'volWarmup'],
    [{ rollingHorizon: 1 }, 'rollingHorizon'],
    [{ spread: 1 }, 'spread'],
    [{ volLambda: 0.99, baselineLambda: 0.98 }, 'baselineLambda'],
    [{ qMax: 2, orderSize: 3 }, 'orderSize'],
    [{ ofiThreshold: 1.5 }, 'ofiThreshold'],
  ])('refuses %j with a StrategyParamError naming %s', (given, param) => {
    let caught: unknown;
    try {
      resolveMarketMakingParams(given);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StrategyParamError);
    expect((caught as StrategyParamError).param).toBe(param);
  });
});

describe('MarketSignalsTracker', () => {
  it('seeds the EWMAs with the mean of the warm-up samples, then updates them causally', () => {
    const p = resolveMarketMakingParams({ volWarmup: 4, volLambda: 0.5, baselineLambda: 0.9 });
    const tr = new MarketSignalsTracker(p);
    // Mid changes of ±0.1 every 0.01: samples (0.1)² / 0.01 = 1 per time unit.
    const mids = [100, 100.1, 100, 100.1, 100];
    mids.forEach((m, i) => {
      tr.beginEvent(i, i * 0.01);
      tr.onMid(i, i * 0.01, m);
      if (i < 4) expect(tr.state.sigma).toBeNaN();
    });
    expect(tr.state.sigma).toBeCloseTo(1, 12);
    expect(tr.state.sigmaBaseline).toBeCloseTo(1, 12);
    // A jump of 0.5: sample 25. Short: 0.5·1 + 0.5·25 = 13; baseline: 0.9 + 0.1·25 = 3.4.
    tr.beginEvent(5, 0.05);
    tr.onMid(5, 0.05, 100.5);
    expect(tr.state.sigma).toBeCloseTo(Math.sqrt(13), 12);
    expect(tr.state.sigmaBaseline).toBeCloseTo(Math.sqrt(3.4), 12);
    // A repeated time folds its change into the next sample.
    tr.beginEvent(6, 0.05);
    tr.onMid(6, 0.05, 100.6);
    expect(tr.state.sigma).toBeCloseTo(Math.sqrt(13), 12);
  });

  it('flags a fill the mid moves against within the window, and keeps the cooldown for adverseCooldown events', () => {
    const p = resolveMarketMakingParams({ adverseWindow: 3, adverseCooldown: 4, adverseMove: 0.05 });
    const tr = new MarketSignalsTracker(p);
    const step = (i: number, mid: number): void => {
      tr.beginEvent(i, i);
      tr.onMid(i, i, mid);
    };
    step(0, 100);
    tr.onFill(1, 1, 100); // we bought at event 1 with the mid at 100
    step(1, 99.97); // against, but not beyond adverseMove
    expect(tr.adverseFills).toBe(0);
    step(2, 99.9); // beyond: adverse
    expect(tr.adverseFills).toBe(1);
    expect(tr.state.adverse).toBe(true);
    for (let i = 3; i <= 5; i++) {
      step(i, 99.9);
      expect(tr.state.adverse).toBe(true);
    }
    step(6, 99.9);
    expect(tr.state.adverse).toBe(false);

    // A sale followed by a favourable move, then an adverse one only after the window: not adverse.
    tr.onFill(7, -1, 100);
    step(7, 99.9);
    step(8, 100);
    step(9, 100);
    step(10, 101);
    expect(tr.adverseFills).toBe(1);
  });

  it('measures order-flow imbalance as signed volume over volume of the last ofiWindow trades', () => {
    const tr = new MarketSignalsTracker(resolveMarketMakingParams({ ofiWindow: 4 }));
    expect(tr.state.orderFlowImbalance).toBe(0);
    tr.onTrade(1, 3);
    expect(tr.state.orderFlowImbalance).toBe(1);
    tr.onTrade(-1, 1);
    expect(tr.state.orderFlowImbalance).toBeCloseTo(0.5, 12);
    tr.onTrade(-1, 2);
    tr.onTrade(-1, 2); // window full: +3 -1 -2 -2 = -2 of 8
    expect(tr.state.orderFlowImbalance).toBeCloseTo(-0.25, 12);
    tr.onTrade(-1, 3); // the +3 leaves: -1 -2 -2 -3 = -8 of 8
    expect(tr.state.orderFlowImbalance).toBeCloseTo(-1, 12);
  });
});
