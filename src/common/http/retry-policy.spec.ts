import { backoffDelay, parseRetryAfter } from './retry-policy';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-05T15:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP-date as the time left until it', () => {
    expect(parseRetryAfter('Mon, 05 Jan 2026 15:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 05 Jan 2026 14:59:00 GMT', now)).toBe(0);
  });

  it('is null without a header or with one it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-1', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('draws in [0, base * 2^attempt], capped', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(backoffDelay(20, 100, 10_000, () => 0.5)).toBe(5000);
    expect(backoffDelay(2, 100, 10_000, () => 0)).toBe(0);
  });
});
