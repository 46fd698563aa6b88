import { SEVERITIES, drawdownSeverity, severityAtLeast, severityForLevel } from './alert-severity';

describe('severity matching', () => {
  it('a subscription at minSeverity gets that severity and every higher one, never a lower one', () => {
    expect(SEVERITIES.filter((s) => severityAtLeast(s, 'info'))).toEqual(['info', 'warning', 'critical']);
    expect(SEVERITIES.filter((s) => severityAtLeast(s, 'warning'))).toEqual(['warning', 'critical']);
    expect(SEVERITIES.filter((s) => severityAtLeast(s, 'critical'))).toEqual(['critical']);
  });

  it('two thresholds are warning then critical; three are info, warning, critical (issue 6 defaults)', () => {
    expect(severityForLevel(999.99, [1000, 5000])).toBeNull();
    expect(severityForLevel(1000, [1000, 5000])).toBe('warning');
    expect(severityForLevel(4999, [1000, 5000])).toBe('warning');
    expect(severityForLevel(5000, [1000, 5000])).toBe('critical');
    expect(severityForLevel(9.9, [10, 15, 20])).toBeNull();
    expect(severityForLevel(10, [10, 15, 20])).toBe('info');
    expect(severityForLevel(17, [10, 15, 20])).toBe('warning');
    expect(severityForLevel(25, [10, 15, 20])).toBe('critical');
  });

  it('drawdown: -10/-15/-20% are info, warning, critical, whichever sign the caller uses', () => {
    expect(drawdownSeverity(-9.99, [10, 15, 20])).toBeNull();
    expect(drawdownSeverity(-10, [10, 15, 20])).toBe('info');
    expect(drawdownSeverity(15, [10, 15, 20])).toBe('warning');
    expect(drawdownSeverity(-20.5, [10, 15, 20])).toBe('critical');
  });
});
