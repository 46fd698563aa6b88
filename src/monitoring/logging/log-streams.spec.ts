import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT_STREAMS, LOG_STREAMS, streamOf } from './log-streams';

/** Every logger context the source code uses: `new Logger('X')`, `new Logger(X.name)`, and `…, 'X')` log calls. */
function contextsInSource(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) {
        const src = readFileSync(p, 'utf8');
        for (const m of src.matchAll(/new Logger\(\s*'([^']+)'/g)) found.add(m[1]);
        for (const m of src.matchAll(/new Logger\(\s*([A-Z]\w*)\.name/g)) found.add(m[1]);
        for (const m of src.matchAll(/logger\.(?:log|warn|error|debug|verbose)\?*\.?\([\s\S]{0,400}?,\s*'([A-Z]\w*)'\s*\)/g)) found.add(m[1]);
      }
    }
  };
  walk(join(__dirname, '..', '..'));
  return found;
}

describe('log streams', () => {
  it('maps only contexts the code really logs under (a renamed logger would silently fall back to app)', () => {
    const contexts = contextsInSource();
    const stale = Object.keys(CONTEXT_STREAMS).filter((c) => !contexts.has(c));
    expect(stale).toEqual([]);
  });

  it('routes the order, LLM and risk loggers into their streams', () => {
    expect(streamOf(undefined, 'Orders')).toBe('trade');
    expect(streamOf(undefined, 'Execution')).toBe('trade');
    expect(streamOf(undefined, 'LlmSentiment')).toBe('llm');
    expect(streamOf(undefined, 'RiskMonitor')).toBe('risk');
    expect(streamOf(undefined, 'AlertsDelivery')).toBe('risk');
    expect(streamOf(undefined, 'HTTP')).toBe('api');
    expect(streamOf(undefined, 'Ingestion')).toBe('app');
    expect(streamOf(undefined, undefined)).toBe('app');
    expect(streamOf('llm', 'Orders')).toBe('llm');
    expect(streamOf('nope', 'Orders')).toBe('trade');
    expect(streamOf(undefined, 'toString')).toBe('app');
  });

  it('every mapped stream is one of LOG_STREAMS', () => {
    for (const s of Object.values(CONTEXT_STREAMS)) expect(LOG_STREAMS).toContain(s);
  });
});
