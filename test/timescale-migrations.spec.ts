import { parse } from 'libpg-query';
import type { QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../migrations';

/**
 * TimescaleDB cannot be installed on the CI machines, so its branch of the migrations is
 * checked here without a server: each migration runs against a query runner that records the
 * SQL and answers "the extension is there", and every recorded statement must parse with
 * PostgreSQL 15's own parser (libpg_query). The plain-PostgreSQL branch runs for real in every
 * integration test.
 */
function recordingRunner(timescale: boolean): { runner: QueryRunner; sql: string[] } {
  const sql: string[] = [];
  const runner = {
    query: async (text: string): Promise<unknown> => {
      sql.push(text);
      if (/AS available\b/.test(text)) return [{ available: timescale }];
      if (/AS timescale\b/.test(text)) return [{ timescale }];
      return [];
    },
  } as unknown as QueryRunner;
  return { runner, sql };
}

describe('TimescaleDB path of the migrations', () => {
  for (const Migration of MIGRATIONS) {
    const name = new Migration().name;

    it(`${name}: up() builds hypertables, compression, continuous aggregates and retention, all valid SQL`, async () => {
      const { runner, sql } = recordingRunner(true);
      await new Migration().up(runner);
      for (const statement of sql) await expect(parse(statement)).resolves.toBeDefined();
      const all = sql.join('\n');
      if (/CREATE TABLE bars\b/.test(all)) {
        expect(all).not.toMatch(/PARTITION BY/);
        expect(all).toMatch(/CREATE EXTENSION IF NOT EXISTS timescaledb/);
        expect(all).toMatch(/create_hypertable\('bars', 'ts'/);
        expect(all).toMatch(/timescaledb\.compress_segmentby = 'symbol, timeframe'/);
        expect(all).toMatch(/add_compression_policy\('bars'/);
        expect(all.match(/WITH \(timescaledb\.continuous, timescaledb\.materialized_only = false\)/g)).toHaveLength(2);
        expect(all).toMatch(/add_continuous_aggregate_policy\('bars_1h'/);
        expect(all).toMatch(/add_continuous_aggregate_policy\('bars_1d'/);
        expect(all).toMatch(/add_job\('bars_retention_job'/);
        expect(all).not.toMatch(/bars_ensure_partitions/);
      }
    });

    it(`${name}: down() on TimescaleDB is valid SQL`, async () => {
      const { runner, sql } = recordingRunner(true);
      await new Migration().down(runner);
      for (const statement of sql) await expect(parse(statement)).resolves.toBeDefined();
    });
  }

  it('the parser does catch broken SQL (so the checks above can fail)', async () => {
    await expect(parse('CREATE MATERIALIZED VIEW x WITH (timescaledb.continuous AS SELECT 1')).rejects.toThrow();
  });
});
