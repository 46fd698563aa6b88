import { redact, redactText, REDACTED } from './redact';

describe('redact', () => {
  const key = 'qd_Ab3dE9fG1h_abcdefghijklmnopqrstuvwxyz0123456789';

  it('masks secret-named fields at any depth', () => {
    expect(redact({ headers: { authorization: 'Bearer x', accept: 'json' }, nested: [{ password: 'p' }] })).toEqual({
      headers: { authorization: REDACTED, accept: 'json' },
      nested: [{ password: REDACTED }],
    });
  });

  it('masks API keys, bearer tokens and URL passwords inside text', () => {
    const s = redactText(`failed for ${key} with Authorization: Bearer tok123 at postgres://u:pw@db/x`);
    expect(s).not.toContain(key);
    expect(s).not.toContain('tok123');
    expect(s).not.toContain(':pw@');
    expect(s).toContain('qd_***');
  });

  it('masks errors', () => {
    const out = redact(new Error(`bad key ${key}`)) as { message: string; stack: string };
    expect(out.message).not.toContain(key);
    expect(out.stack).not.toContain(key);
  });

  it('leaves ordinary values alone', () => {
    expect(redact({ symbol: 'AAPL', n: 3, ok: true, none: null })).toEqual({ symbol: 'AAPL', n: 3, ok: true, none: null });
  });
});
