import { barCloseMs, readBar, readBarsPage, readStreamMessage } from './alpaca-bars.parser';

// The documented example bar (docs "Real-time Stock Data", Minute Bars).
const BAR = { T: 'b', S: 'SPY', o: 388.985, h: 389.13, l: 388.975, c: 389.12, v: 49378, t: '2021-02-22T19:15:00Z', n: 461, vw: 389.062639 };

describe('readStreamMessage', () => {
  it('reads the control messages of the documented handshake', () => {
    expect(readStreamMessage({ T: 'success', msg: 'connected' })).toEqual({ kind: 'connected' });
    expect(readStreamMessage({ T: 'success', msg: 'authenticated' })).toEqual({ kind: 'authenticated' });
    expect(readStreamMessage({ T: 'error', code: 402, msg: 'auth failed' })).toEqual({ kind: 'error', code: 402, message: 'auth failed' });
    // A code without a text takes the documented one.
    expect(readStreamMessage({ T: 'error', code: 406 })).toEqual({ kind: 'error', code: 406, message: 'connection limit exceeded' });
    expect(readStreamMessage({ T: 'subscription', trades: [], quotes: [], bars: ['AAPL', 'SPY'], updatedBars: [], dailyBars: [] })).toEqual({ kind: 'subscription', bars: ['AAPL', 'SPY'] });
  });

  it('reads a minute bar and an updated bar (a correction)', () => {
    const b = readStreamMessage(BAR);
    expect(b).toEqual({
      kind: 'bar',
      correction: false,
      bar: { symbol: 'SPY', startMs: Date.parse('2021-02-22T19:15:00Z'), open: 388.985, high: 389.13, low: 388.975, close: 389.12, volume: 49378 },
    });
    const u = readStreamMessage({ ...BAR, T: 'u', v: 49400 });
    expect(u).toMatchObject({ kind: 'bar', correction: true, bar: { volume: 49400 } });
  });

  it('stores a bar at its close: Alpaca stamps the start of the minute', () => {
    const b = readStreamMessage(BAR);
    if (b.kind !== 'bar') throw new Error('expected a bar');
    expect(new Date(barCloseMs(b.bar)).toISOString()).toBe('2021-02-22T19:16:00.000Z');
  });

  it('ignores message types the feed does not subscribe, and says which', () => {
    expect(readStreamMessage({ T: 't', S: 'SPY', p: 1 })).toEqual({ kind: 'ignored', type: 't' });
    expect(readStreamMessage({ T: 'd', S: 'SPY' })).toEqual({ kind: 'ignored', type: 'd' });
  });

  it.each([
    ['no type', { S: 'SPY' }, /no message type/],
    ['a bad symbol', { ...BAR, S: 'BAD SYMBOL' }, /is not a symbol/],
    ['a missing symbol', { ...BAR, S: undefined }, /is not a symbol/],
    ['a time without a zone', { ...BAR, t: '2021-02-22T19:15:00' }, /not an RFC 3339 time/],
    ['a time that does not exist', { ...BAR, t: '2021-02-30T19:15:00Z' }, /not a valid calendar date/],
    ['a time inside a minute', { ...BAR, t: '2021-02-22T19:15:30Z' }, /not the start of a minute/],
    ['a price as a string', { ...BAR, c: '389.12' }, /c "389.12" is not a finite number/],
    ['a missing volume', { ...BAR, v: undefined }, /v undefined is not a finite number/],
    ['a zero price', { ...BAR, l: 0 }, /prices must be > 0/],
    ['a high below the close', { ...BAR, h: 389.0 }, /high\/low do not contain/],
    ['a low above the open', { ...BAR, l: 389.0 }, /high\/low do not contain/],
    ['a negative volume', { ...BAR, v: -1 }, /volume -1 is negative/],
  ])('refuses a bar with %s, with the reason', (_what, message, reason) => {
    const r = readStreamMessage(message as Record<string, unknown>);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.reason).toMatch(reason);
  });
});

describe('readBarsPage (GET /v2/stocks/bars)', () => {
  const rest = { t: '2021-02-22T19:15:00Z', o: 388.985, h: 389.13, l: 388.975, c: 389.12, v: 49378, n: 461, vw: 389.06 };

  it('reads bars per symbol and the next page token', () => {
    const page = readBarsPage({ bars: { SPY: [rest, { ...rest, t: '2021-02-22T19:16:00Z' }], AAPL: [rest] }, next_page_token: 'QUFQTHxNfDIwMjE=' });
    expect(page.bars.map((b) => [b.symbol, new Date(b.startMs).toISOString()])).toEqual([
      ['SPY', '2021-02-22T19:15:00.000Z'],
      ['SPY', '2021-02-22T19:16:00.000Z'],
      ['AAPL', '2021-02-22T19:15:00.000Z'],
    ]);
    expect(page.nextPageToken).toBe('QUFQTHxNfDIwMjE=');
    expect(page.invalid).toEqual([]);
  });

  it('takes an empty answer (bars null or absent) as no bars, the last page', () => {
    expect(readBarsPage({ bars: null, next_page_token: null })).toEqual({ bars: [], invalid: [], nextPageToken: null });
    expect(readBarsPage({})).toEqual({ bars: [], invalid: [], nextPageToken: null });
  });

  it('skips bad bars with their reasons and keeps the good ones', () => {
    const page = readBarsPage({ bars: { SPY: [rest, { ...rest, h: 1 }, 'x'], 'BAD SYM': [rest], MSFT: 3 }, next_page_token: null });
    expect(page.bars).toHaveLength(1);
    expect(page.invalid).toEqual([expect.stringMatching(/high\/low/), 'SPY: a bar is not an object', expect.stringMatching(/is not a symbol/), 'MSFT: bars is not an array']);
  });

  it('refuses an envelope that is not the documented shape', () => {
    expect(() => readBarsPage([])).toThrow(/not a JSON object/);
    expect(() => readBarsPage({ bars: [], next_page_token: null })).toThrow(/bars is not an object/);
    expect(() => readBarsPage({ bars: {}, next_page_token: 5 })).toThrow(/next_page_token/);
  });

  it('readBar is the same check for a REST bar', () => {
    expect(readBar('SPY', rest)).toMatchObject({ symbol: 'SPY', close: 389.12 });
  });
});
