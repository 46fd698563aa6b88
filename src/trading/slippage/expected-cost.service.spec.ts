import { loadConfig } from '../../config/app-config';
import { expectedCostModel } from './expected-cost.service';

describe('expectedCostModel (the settings of the pre-trade estimate)', () => {
  it("charges the paper broker's commission by default", () => {
    expect(expectedCostModel(loadConfig({ PAPER_COMMISSION_BPS: '2.5' }))).toEqual({ impactCoefficient: 1, impactExponent: 0.5, feeBps: 2.5 });
  });

  it('charges nothing with a live broker unless EXPECTED_COST_FEE_BPS says what it charges', () => {
    expect(expectedCostModel(loadConfig({ QUANTDESK_BROKER: 'alpaca' })).feeBps).toBe(0);
    expect(expectedCostModel(loadConfig({ QUANTDESK_BROKER: 'alpaca', EXPECTED_COST_FEE_BPS: '0.8' })).feeBps).toBe(0.8);
  });

  it('takes EXPECTED_COST_FEE_BPS over the paper commission, 0 included, and the impact law settings', () => {
    expect(expectedCostModel(loadConfig({ EXPECTED_COST_FEE_BPS: '0', EXPECTED_COST_IMPACT_COEFFICIENT: '0.7', EXPECTED_COST_IMPACT_EXPONENT: '0.6' }))).toEqual({
      impactCoefficient: 0.7,
      impactExponent: 0.6,
      feeBps: 0,
    });
  });
});
