import { readFileSync } from 'node:fs';
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

  it('trading: paper broker, 100000 of paper cash and a snapshot before midnight UTC by default', () => {
    expect(loadConfig({})).toMatchObject({ tradingBroker: 'paper', paperCash: '100000', equitySnapshotCron: '55 23 * * *' });
    expect(loadConfig({ QUANTDESK_BROKER: 'alpaca', QUANTDESK_PAPER_CASH: '2500.50' })).toMatchObject({ tradingBroker: 'alpaca', paperCash: '2500.50' });
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
    ['QUANTDESK_BROKER', 'Paper Broker', /QUANTDESK_BROKER must be a broker name/],
    ['QUANTDESK_PAPER_CASH', '-5', /QUANTDESK_PAPER_CASH must be a non-negative decimal/],
    ['QUANTDESK_PAPER_CASH', '1e6', /QUANTDESK_PAPER_CASH must be a non-negative decimal/],
    ['EQUITY_SNAPSHOT_CRON', 'daily', /EQUITY_SNAPSHOT_CRON must be a five-field cron/],
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

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('::')).toBe('<unparseable url>');
  });
});
