import { ValidationFailedError } from '../../common/errors/domain-error';
import { parseExecutionRequest } from './execution-request.parser';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function issues(body: Parameters<typeof parseExecutionRequest>[0]): string[] {
  try {
    parseExecutionRequest(body, NOW);
  } catch (err) {
    if (err instanceof ValidationFailedError) return err.issues.map((i) => `${i.field}: ${i.reason}`);
    throw err;
  }
  return [];
}

describe('parseExecutionRequest', () => {
  it('resolves times and defaults', () => {
    const r = parseExecutionRequest({ algo: 'vwap', symbol: 'AAPL', side: 'buy', quantity: 1000, params: { durationSeconds: 3600, intervalSeconds: 300 } }, NOW);
    expect(r).toEqual({
      algo: 'vwap',
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1000',
      params: { startAt: NOW, endAt: NOW + 3_600_000, intervalSeconds: 300, lotSize: '1', barTimeframe: '1m', bucketMinutes: 30, profileDays: 20 },
    });
  });

  it('takes ISO times and decimal text', () => {
    const r = parseExecutionRequest(
      { algo: 'pov', symbol: 'BTC/USD', side: 'sell', quantity: '0.5', params: { startAt: '2026-12-02T11:00:00Z', endAt: '2026-12-02T13:00:00+01:00', intervalSeconds: 5, lotSize: '0.001', participation: 0.2 } },
      NOW,
    );
    expect(r.params).toMatchObject({ startAt: Date.parse('2026-12-02T11:00:00Z'), endAt: Date.parse('2026-12-02T11:00:00Z') + 3_600_000, lotSize: '0.001', participation: 0.2, minChildQuantity: '0.001' });
  });

  it('names every bad field at once', () => {
    expect(issues({ algo: 'is', symbol: 'AAPL', side: 'buy', quantity: 'ten', params: { endAt: 'tomorrow', durationSeconds: 5, eta: 0, lambda: -1, foo: 1 } })).toEqual(
      expect.arrayContaining([
        'quantity: must be a positive decimal (string or number)',
        'params.foo: is not a parameter of is',
        'params.endAt: must be an ISO 8601 date-time with Z or an offset',
        'params.endAt: give exactly one of endAt and durationSeconds',
        'params.intervalSeconds: is required',
        'params.sigma: is required',
        'params.eta: must be > 0',
        'params.lambda: must be >= 0',
      ]),
    );
  });

  it('refuses a window in the past or longer than 30 days', () => {
    expect(issues({ algo: 'twap', symbol: 'A', side: 'buy', quantity: 1, params: { startAt: '2026-12-01T00:00:00Z', endAt: '2026-12-01T01:00:00Z', intervalSeconds: 60 } })).toContain('params.endAt: is in the past');
    expect(issues({ algo: 'twap', symbol: 'A', side: 'buy', quantity: 1, params: { durationSeconds: 31 * 86_400, intervalSeconds: 60 } })).toContain('params.endAt: the window may last at most 30 days');
  });
});
