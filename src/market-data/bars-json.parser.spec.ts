import { ValidationFailedError } from '../common/errors/domain-error';
import { parseJsonBars } from './bars-json.parser';

function refusal(rows: unknown[]): ValidationFailedError {
  try {
    parseJsonBars(rows);
  } catch (err) {
    if (err instanceof ValidationFailedError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonBars', () => {
  it('reads rows with optional fields and epoch or ISO timestamps', () => {
    const bars = parseJsonBars([
      { ts: '2024-01-02', open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
      { ts: Date.UTC(2024, 0, 3), close: 10.7 },
      { ts: 1704326400, close: 10.9, volume: null },
    ]);
    expect(bars.length).toBe(3);
    expect(Array.from(bars.ts)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)]);
    expect(Array.from(bars.close)).toEqual([10.5, 10.7, 10.9]);
    expect(Array.from(bars.open)).toEqual([10, NaN, NaN]);
    expect(Array.from(bars.volume)).toEqual([100, NaN, NaN]);
  });

  it('refuses unknown fields, wrong types and non-objects by 1-based row', () => {
    const err = refusal([{ ts: '2024-01-02', close: 1, price: 2 }, { ts: '2024-01-03', close: '1.5' }, 'x', { ts: true, close: 1 }, { ts: '2024-01-05' }]);
    expect(err.issues).toEqual([
      { row: 1, field: 'price', reason: expect.stringMatching(/not a bar field/) },
      { row: 2, field: 'close', reason: 'must be a finite number' },
      { row: 3, field: 'row', reason: expect.stringMatching(/must be an object/) },
      { row: 4, field: 'ts', reason: expect.stringMatching(/date-time string or an epoch/) },
      { row: 5, field: 'close', reason: 'is required' },
    ]);
  });

  it('applies the OHLC rules and uniqueness', () => {
    const err = refusal([
      { ts: '2024-01-02', open: 10, high: 9, low: 8, close: 8.5 },
      { ts: '2024-01-02', close: 1 },
    ]);
    expect(err.issues).toEqual([{ row: 1, field: 'high', reason: '9 is below max(open, close) = 10' }]);
    const dup = refusal([
      { ts: '2024-01-03', close: 1 },
      { ts: '2024-01-02', close: 1 },
      { ts: '2024-01-03T00:00:00Z', close: 2 },
    ]);
    expect(dup.issues).toEqual([{ row: 3, field: 'ts', reason: '2024-01-03T00:00:00.000Z repeats row 1' }]);
  });

  it('refuses an empty list', () => {
    expect(refusal([]).issues).toEqual([{ field: 'rows', reason: 'no data rows' }]);
  });
});
