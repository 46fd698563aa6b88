import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_SPEC, ConfigError, loadConfig, redactUrl } from './app-config';

describe('loadConfig', () => {
  it('starts with zero configuration on documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      role: 'all',
      logLevel: 'info',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/quantdesk',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseAutoCreate: true,
      databaseAutoMigrate: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads and converts given values', () => {
    const c = loadConfig({ PORT: '8080', QUANTDESK_ROLE: 'Worker', DATABASE_AUTO_CREATE: 'no', LOG_LEVEL: 'debug' });
    expect(c.port).toBe(8080);
    expect(c.role).toBe('worker');
    expect(c.databaseAutoCreate).toBe(false);
    expect(c.logLevel).toBe('debug');
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be between 1 and 65535/],
    ['QUANTDESK_ROLE', 'boss', /QUANTDESK_ROLE must be one of all, api, worker/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL must use postgres: or postgresql:/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['REDIS_URL', 'http://x', /REDIS_URL must use redis: or rediss:/],
    ['DATABASE_AUTO_MIGRATE', 'maybe', /DATABASE_AUTO_MIGRATE must be true or false/],
    ['BARS_MAINTENANCE_CRON', 'every day', /BARS_MAINTENANCE_CRON must be a five-field cron/],
    ['REDIS_PREFIX', 'has space', /REDIS_PREFIX must be letters/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('every variable has a default that passes its own check', () => {
    for (const spec of Object.values(CONFIG_SPEC)) {
      expect(() => (spec.parse as (raw: string, name: string) => unknown)(spec.default, spec.name)).not.toThrow();
    }
  });

  it('every variable is documented in README.md', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const missing = Object.values(CONFIG_SPEC)
      .map((s) => s.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('routing venues (QUANTDESK_VENUES)', () => {
  it('defaults to the builtin set of three lit venues and one dark pool', () => {
    const c = loadConfig({});
    expect(c.routingVenues.map((v) => v.kind)).toEqual(['lit', 'lit', 'lit', 'dark']);
    expect(c).toMatchObject({ routingDarkFirst: true, routingMaxRounds: 3, routingRoundIntervalMs: 1000, routingScoreHalfLife: 50, routingScorePriorWeight: 10 });
  });

  const one = {
    name: 'solo',
    kind: 'dark',
    fees: { unit: 'bps', maker: 0, taker: 0.5 },
    latencyMs: 1,
    lotSize: 1,
    fillProbability: 0.4,
    minSize: 100,
    maxSize: 1000,
  };

  it('reads a JSON array inline or from a file', () => {
    expect(loadConfig({ QUANTDESK_VENUES: JSON.stringify([one]) }).routingVenues).toEqual([one]);
    const dir = mkdtempSync(join(tmpdir(), 'venues-'));
    const file = join(dir, 'venues.json');
    writeFileSync(file, JSON.stringify([one]));
    try {
      expect(loadConfig({ QUANTDESK_VENUES: file }).routingVenues).toEqual([one]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    ['[{"name": "x"', /QUANTDESK_VENUES must hold valid JSON/],
    ['/nonexistent/venues.json', /QUANTDESK_VENUES must be builtin, a JSON array of venues or a readable file/],
    [JSON.stringify([{ ...one, fees: { unit: 'bps', maker: 0, taker: 500 } }]), /QUANTDESK_VENUES is invalid: venues\[0\]\.fees\.taker: must be at most 100/],
    [JSON.stringify([{ ...one, minSize: 5000 }]), /venues\[0\]\.maxSize: must be at least minSize/],
  ])('refuses QUANTDESK_VENUES=%s naming the field', (value, message) => {
    expect(() => loadConfig({ QUANTDESK_VENUES: value })).toThrow(message);
  });

  it('checks the routing settings', () => {
    expect(() => loadConfig({ QUANTDESK_ROUTING_MAX_ROUNDS: '0' })).toThrow(/QUANTDESK_ROUTING_MAX_ROUNDS must be between 1 and 20/);
    expect(() => loadConfig({ QUANTDESK_ROUTING_DARK_FIRST: 'sometimes' })).toThrow(/QUANTDESK_ROUTING_DARK_FIRST must be true or false/);
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('::')).toBe('<unparseable url>');
  });
});
