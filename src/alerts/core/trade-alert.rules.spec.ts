import { Decimal } from '../../common/decimal';
import { lossStreak, pnlSwing, singleLoss, type FillFacts, type TradeRuleThresholds } from './trade-alert.rules';

const t: TradeRuleThresholds = { singleLossUsd: [1000, 5000], consecutiveLosses: [5, 10], pnlSwingUsd: 2500 };
const d = (v: string | number): Decimal => new Decimal(v);
const closing = (realized: number): FillFacts => ({ quantityBefore: d(100), markBefore: d(50), price: d(50), realized: d(realized), closing: true });

describe('trade alert rules', () => {
  it('single loss: warning from $1,000, critical from $5,000, only on closing fills', () => {
    expect(singleLoss(closing(-999.99), t)).toBeNull();
    expect(singleLoss(closing(-1000), t)).toEqual({ rule: 'single_loss', severity: 'warning', value: '1000.00' });
    expect(singleLoss(closing(-5000.5), t)).toEqual({ rule: 'single_loss', severity: 'critical', value: '5000.50' });
    expect(singleLoss(closing(2000), t)).toBeNull();
    expect(singleLoss({ ...closing(-2000), closing: false }, t)).toBeNull();
  });

  it('loss streak: fires at exactly 5 (warning) and 10 (critical); a win resets; opening fills do not count', () => {
    let losses = 0;
    const fired: string[] = [];
    for (let i = 0; i < 11; i++) {
      const r = lossStreak(losses, closing(-1), t);
      losses = r.losses;
      if (r.hit) fired.push(`${r.hit.value}:${r.hit.severity}`);
    }
    expect(losses).toBe(11);
    expect(fired).toEqual(['5:warning', '10:critical']);
    expect(lossStreak(4, { ...closing(-1), closing: false }, t)).toEqual({ losses: 4, hit: null });
    expect(lossStreak(4, closing(0), t)).toEqual({ losses: 0, hit: null });
    expect(lossStreak(4, closing(-1), t).hit).toEqual({ rule: 'consecutive_losses', severity: 'warning', value: '5' });
  });

  it('P&L swing: q·(p − previous mark) beyond the threshold, either way; off at 0 or with no mark', () => {
    const f: FillFacts = { quantityBefore: d(-100), markBefore: d(50), price: d(75), realized: d(0), closing: true };
    expect(pnlSwing(f, t)).toEqual({ rule: 'pnl_swing', severity: 'warning', value: '-2500.00' });
    expect(pnlSwing({ ...f, price: d(74.99) }, t)).toBeNull();
    expect(pnlSwing({ ...f, quantityBefore: d(200), price: d(30) }, t)?.value).toBe('-4000.00');
    expect(pnlSwing({ ...f, markBefore: null }, t)).toBeNull();
    expect(pnlSwing(f, { ...t, pnlSwingUsd: 0 })).toBeNull();
  });
});
