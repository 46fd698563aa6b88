import { ValidationFailedError } from '../common/errors/domain-error';
import { assertSeriesKey, checkSeriesKey, describeIssue, parseDecimal } from './bars.validator';

describe('parseDecimal', () => {
  it('gives exactly the double Number() gives for plain decimals', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20000; i++) {
      const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 4);
      for (const s of [v.toFixed(Math.floor(rnd() * 9)), String(v), v.toPrecision(1 + Math.floor(rnd() * 16))]) {
        if (/e/.test(s)) continue;
        expect({ s, v: parseDecimal(s) }).toEqual({ s, v: Number(s) });
      }
    }
    for (const s of ['0', '-0', '+1', '.5', '5.', '007.50', '123456789012345678', '1e5', '1.5E-3', ' 2.5 ']) {
      expect({ s, v: parseDecimal(s) }).toEqual({ s, v: Number(s) });
    }
  });

  it('refuses what is not a plain decimal', () => {
    for (const s of ['0x10', 'Infinity', 'NaN', '1,5', '--1', '.', '-', '1.2.3', '1_000', 'abc', '1e']) {
      expect({ s, v: parseDecimal(s) }).toEqual({ s, v: NaN });
    }
  });
});

describe('series key', () => {
  it('accepts usual symbols and timeframes', () => {
    for (const [s, t] of [['AAPL', '1d'], ['BRK.B', '1m'], ['EUR/USD', '30m'], ['ES-2024_H', '1mo'], ['^GSPC'.slice(1), '1w']]) {
      expect(checkSeriesKey(s, t)).toEqual([]);
    }
  });

  it('refuses bad ones, naming the field', () => {
    expect(checkSeriesKey('', '1d').map((i) => i.field)).toEqual(['symbol']);
    expect(checkSeriesKey('A'.repeat(33), '1d').map((i) => i.field)).toEqual(['symbol']);
    expect(checkSeriesKey('AA PL', 'daily').map((i) => i.field)).toEqual(['symbol', 'timeframe']);
    expect(checkSeriesKey('AAPL', '0m').map((i) => i.field)).toEqual(['timeframe']);
    expect(() => assertSeriesKey('AAPL', '1x')).toThrow(ValidationFailedError);
  });

  it('describes issues with row and line', () => {
    expect(describeIssue({ row: 3, line: 4, field: 'high', reason: 'r' })).toBe('row 3, high: r');
    expect(describeIssue({ row: 3, line: 9, field: 'high', reason: 'r' })).toBe('row 3 (line 9), high: r');
    expect(describeIssue({ field: 'columns', reason: 'r' })).toBe('columns: r');
  });
});
