import { automaticTransition, DEFAULT_DRAWDOWN_THRESHOLDS, modeForDrawdown, modeSizingMultiplier, stricterMode, type TransitionRules } from './risk-mode';

const rules = (over: Partial<TransitionRules> = {}): TransitionRules => ({ drawdown: DEFAULT_DRAWDOWN_THRESHOLDS, consecutiveLosses: 5, recovery: 'manual', recoveryHysteresis: 0.02, ...over });
const facts = (drawdown: number, consecutiveLosses = 0, dailyLossLimitHit = false) => ({ drawdown, consecutiveLosses, dailyLossLimitHit });

describe('risk modes', () => {
  it('drawdown thresholds -10 / -15 / -20% (at the threshold steps down)', () => {
    expect(modeForDrawdown(-0.0999, DEFAULT_DRAWDOWN_THRESHOLDS)).toBe('NORMAL');
    expect(modeForDrawdown(-0.1, DEFAULT_DRAWDOWN_THRESHOLDS)).toBe('CAUTIOUS');
    expect(modeForDrawdown(-0.15, DEFAULT_DRAWDOWN_THRESHOLDS)).toBe('DEFENSIVE');
    expect(modeForDrawdown(-0.25, DEFAULT_DRAWDOWN_THRESHOLDS)).toBe('HALTED');
    expect(modeForDrawdown(Number.NaN, DEFAULT_DRAWDOWN_THRESHOLDS)).toBe('NORMAL');
  });

  it('the stricter of firm and account applies; CAUTIOUS sizes by the multiplier', () => {
    expect(stricterMode('CAUTIOUS', 'HALTED')).toBe('HALTED');
    expect(stricterMode('DEFENSIVE', 'NORMAL')).toBe('DEFENSIVE');
    expect(modeSizingMultiplier('NORMAL', 0.5)).toBe(1);
    expect(modeSizingMultiplier('CAUTIOUS', 0.5)).toBe(0.5);
  });

  it('steps down to the strictest mode any rule calls for, skipping steps', () => {
    expect(automaticTransition('NORMAL', facts(-0.11), rules())).toMatchObject({ to: 'CAUTIOUS', reason: 'drawdown -11.00% from the equity peak' });
    expect(automaticTransition('NORMAL', facts(-0.21), rules())?.to).toBe('HALTED');
    expect(automaticTransition('CAUTIOUS', facts(-0.11), rules())).toBeNull();
    expect(automaticTransition('NORMAL', facts(-0.01, 5), rules())).toMatchObject({ to: 'DEFENSIVE', reason: '5 consecutive losing trades' });
    expect(automaticTransition('NORMAL', facts(-0.01, 4), rules())).toBeNull();
    expect(automaticTransition('NORMAL', facts(-0.01, 50), rules({ consecutiveLosses: 0 }))).toBeNull();
    expect(automaticTransition('CAUTIOUS', facts(0, 0, true), rules())).toMatchObject({ to: 'DEFENSIVE', reason: 'daily loss limit reached' });
  });

  it('manual recovery never steps up; HALTED is never left automatically', () => {
    expect(automaticTransition('DEFENSIVE', facts(0), rules())).toBeNull();
    expect(automaticTransition('HALTED', facts(0), rules({ recovery: 'auto' }))).toBeNull();
  });

  it('auto recovery steps up only past the threshold by the hysteresis', () => {
    const auto = rules({ recovery: 'auto' });
    expect(automaticTransition('CAUTIOUS', facts(-0.09), auto)).toBeNull(); // within 2% of -10%
    expect(automaticTransition('CAUTIOUS', facts(-0.079), auto)).toMatchObject({ to: 'NORMAL' });
    expect(automaticTransition('DEFENSIVE', facts(-0.12), auto)).toMatchObject({ to: 'CAUTIOUS' });
    expect(automaticTransition('DEFENSIVE', facts(-0.05, 5), auto)).toBeNull(); // the losing run still calls for DEFENSIVE
  });
});
