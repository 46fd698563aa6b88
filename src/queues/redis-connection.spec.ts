import { loadConfig } from '../config/app-config';
import { describeRedisTarget, redisConnectionOptions } from './redis-connection';

describe('redisConnectionOptions', () => {
  it('REDIS_URL alone: host, port, credentials, database and TLS from the URL', () => {
    expect(redisConnectionOptions(loadConfig({ REDIS_URL: 'rediss://qd:p%40ss@cache.internal:6380/3' }))).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'qd',
      password: 'p@ss',
      db: 3,
      tls: {},
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
    });
    expect(redisConnectionOptions(loadConfig({}))).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0, tls: undefined, password: undefined });
  });

  it('with Sentinels: no host or port, the Sentinels and master name; the URL still gives password, database and TLS', () => {
    const o = redisConnectionOptions(
      loadConfig({
        REDIS_URL: 'rediss://:secret@ignored-host:1/2',
        REDIS_SENTINELS: 's1.internal:26379, 10.0.0.2:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'qd-master',
        REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      }),
    );
    expect(o).toEqual({
      sentinels: [
        { host: 's1.internal', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'qd-master',
      sentinelPassword: 'sentinel-pw',
      username: undefined,
      password: 'secret',
      db: 2,
      tls: {},
      enableTLSForSentinelMode: true,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
    });
    expect(o.host).toBeUndefined();
  });

  it('Sentinel defaults: master name mymaster (sentinel.conf convention), no Sentinel password, no TLS', () => {
    const o = redisConnectionOptions(loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379' }));
    expect(o).toMatchObject({ name: 'mymaster', sentinelPassword: undefined, tls: undefined, enableTLSForSentinelMode: undefined });
  });

  it('REDIS_SENTINELS and REDIS_SENTINEL_NAME are validated, naming the bad entry', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379,nohost' })).toThrow(/REDIS_SENTINELS must be host:port pairs.*"nohost"/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:0' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:65536' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINEL_NAME: 'my master' })).toThrow(/REDIS_SENTINEL_NAME/);
    expect(() => loadConfig({ REDIS_SENTINEL_PASSWORD: 'a b' })).toThrow(/REDIS_SENTINEL_PASSWORD must not contain spaces/);
    expect(loadConfig({}).redisSentinels).toEqual([]);
  });

  it('describes the target without a password', () => {
    expect(describeRedisTarget(loadConfig({ REDIS_URL: 'redis://:pw@h:6379' }))).toBe('redis://:***@h:6379');
    expect(describeRedisTarget(loadConfig({ REDIS_SENTINELS: 'a:1,b:2', REDIS_SENTINEL_NAME: 'm' }))).toBe('master "m" of Sentinels a:1, b:2');
  });
});
