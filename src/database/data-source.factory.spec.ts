import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.factory';

describe('dataSourceOptions', () => {
  it('without replicas: one pool on DATABASE_URL, no replication', () => {
    const o = dataSourceOptions(loadConfig({ DATABASE_URL: 'postgres://qd@db:5432/quantdesk' })) as unknown as Record<string, unknown>;
    expect(o.url).toBe('postgres://qd@db:5432/quantdesk');
    expect(o.replication).toBeUndefined();
  });

  it('with DATABASE_REPLICA_URLS: TypeORM replication, the primary as master, reads on the master unless marked (defaultMode)', () => {
    const o = dataSourceOptions(
      loadConfig({ DATABASE_URL: 'postgres://qd@primary:5432/quantdesk', DATABASE_REPLICA_URLS: 'postgres://ro@r1:5432/quantdesk, postgresql://ro:pw@r2/quantdesk' }),
    ) as unknown as Record<string, unknown>;
    expect(o.url).toBeUndefined();
    expect(o.replication).toEqual({
      master: { url: 'postgres://qd@primary:5432/quantdesk' },
      slaves: [{ url: 'postgres://ro@r1:5432/quantdesk' }, { url: 'postgresql://ro:pw@r2/quantdesk' }],
      defaultMode: 'master',
    });
    // The pool size applies to every pool (TypeORM passes `extra` to each).
    expect(o.extra).toMatchObject({ max: 10 });
  });

  it('DATABASE_REPLICA_URLS is validated without echoing a password', () => {
    expect(loadConfig({}).databaseReplicaUrls).toEqual([]);
    let message = '';
    try {
      loadConfig({ DATABASE_REPLICA_URLS: 'postgres://ro@r1/q,mysql://u:s3cret@h/q' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/DATABASE_REPLICA_URLS entry 2 of 2 must be a postgres: or postgresql: URL/);
    expect(message).not.toContain('s3cret');
  });
});
