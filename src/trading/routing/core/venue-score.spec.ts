import fc from 'fast-check';
import { effectiveScore, emptyScore, forgettingFactor, updateScore, type ChildObservation } from './venue-score';
import { DEFAULT_VENUES, parseVenues, type Venue } from './venue.model';

const params = { halfLife: 10, priorWeight: 4 };
const venue = DEFAULT_VENUES[0];
const obs = (over: Partial<ChildObservation> = {}): ChildObservation => ({ venue: venue.name, sent: 1000, filled: 1000, latencyMs: 4, expectedCostBps: 2, realizedCostBps: 3, ...over });

describe('venue scores', () => {
  it('are the priors with no evidence', () => {
    expect(effectiveScore(venue, undefined, params)).toEqual({ venue: 'alpha', fillProbability: 0.95, latencyMs: 2, excessCostBps: 0 });
    expect(effectiveScore(venue, emptyScore('alpha'), params)).toEqual({ venue: 'alpha', fillProbability: 0.95, latencyMs: 2, excessCostBps: 0 });
  });

  it('one observation: the Beta posterior mean and the shrunk EWMA, by hand', () => {
    const s = updateScore(emptyScore('alpha'), obs({ filled: 250 }), params);
    // A = 0.25, B = 0.75: p = (4·0.95 + 0.25) / (4 + 1) = 0.81.
    expect(s).toMatchObject({ filledEvidence: 0.25, missedEvidence: 0.75, childOrders: 1, sharesSent: 1000, sharesFilled: 250 });
    const e = effectiveScore(venue, s, params);
    expect(e.fillProbability).toBeCloseTo(0.81, 12);
    // Latency: (4·2 + 1·4) / 5 = 2.4; excess (3 − 2 = 1 bps): (4·0 + 1·1) / 5 = 0.2.
    expect(e.latencyMs).toBeCloseTo(2.4, 12);
    expect(e.excessCostBps).toBeCloseTo(0.2, 12);
  });

  it('forgets: evidence halves after halfLife observations', () => {
    expect(Math.pow(forgettingFactor(10), 10)).toBeCloseTo(0.5, 12);
    let s = updateScore(emptyScore('alpha'), obs({ filled: 0 }), params);
    for (let i = 0; i < 10; i++) s = updateScore(s, obs({ sent: 0 }), params);
    expect(s.missedEvidence).toBe(1); // sent 0 is no observation
    for (let i = 0; i < 10; i++) s = updateScore(s, obs(), params);
    expect(s.missedEvidence).toBeCloseTo(0.5, 12);
  });

  it('the fill estimate stays in (0, 1] and moves toward the observed rate', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (fractions, constant) => {
        let s = emptyScore('alpha');
        for (const f of fractions) s = updateScore(s, obs({ filled: Math.round(f * 1000), realizedCostBps: null }), params);
        const p = effectiveScore(venue, s, params).fillProbability;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        // A long run of the same fraction pulls the estimate within reach of it.
        for (let i = 0; i < 300; i++) s = updateScore(s, obs({ filled: Math.round(constant * 1000) }), params);
        const after = effectiveScore(venue, s, params).fillProbability;
        const shrunk = (params.priorWeight * 0.95 + (Math.round(constant * 1000) / 1000) / (1 - forgettingFactor(10))) / (params.priorWeight + 1 / (1 - forgettingFactor(10)));
        expect(after).toBeCloseTo(shrunk, 6);
      }),
    );
  });
});

describe('parseVenues', () => {
  it('accepts the default set', () => {
    expect(parseVenues(JSON.parse(JSON.stringify(DEFAULT_VENUES)))).toEqual({ ok: true, venues: DEFAULT_VENUES });
  });

  it('names every bad field with its reason', () => {
    const bad = [
      { ...DEFAULT_VENUES[0], fees: { unit: 'cents', maker: 0, taker: 0 }, latencyMs: -1 },
      { ...DEFAULT_VENUES[1], name: 'alpha', depth: { kind: 'fixed', touchSize: 0, decay: 1.5, levels: 3 }, colour: 'red' },
      { ...(DEFAULT_VENUES[3] as Venue), minSize: 6000, fillProbability: 0 },
      'nope',
    ];
    const r = parseVenues(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        { field: 'venues[0].fees.unit', reason: 'must be one of bps, per_share' },
        { field: 'venues[0].latencyMs', reason: 'must be at least 0' },
        { field: 'venues[1].name', reason: 'duplicates another venue\'s name "alpha"' },
        { field: 'venues[1].depth.touchSize', reason: 'must be at least 1' },
        { field: 'venues[1].depth.decay', reason: 'must be at most 1' },
        { field: 'venues[1].colour', reason: 'is not a known field' },
        { field: 'venues[2].maxSize', reason: 'must be at least minSize' },
        { field: 'venues[2].fillProbability', reason: 'must be greater than 0' },
        { field: 'venues[3]', reason: 'must be an object' },
      ]),
    );
  });

  it('refuses a non-array and an empty list', () => {
    expect(parseVenues({})).toEqual({ ok: false, issues: [{ field: 'venues', reason: 'must be an array of venues' }] });
    expect(parseVenues([])).toEqual({ ok: false, issues: [{ field: 'venues', reason: 'must hold at least one venue' }] });
  });
});
