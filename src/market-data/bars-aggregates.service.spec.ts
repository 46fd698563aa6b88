import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BarsAggregatesService } from './bars-aggregates.service';
import { BarsRepository } from './bars.repository';

/** A DataSource that answers the storage probe and records every statement. */
function fakeDb(timescale: boolean): { db: DataSource; statements: string[] } {
  const statements: string[] = [];
  const db = {
    query: async (sql: string) => {
      statements.push(sql.replace(/\s+/g, ' ').trim());
      return /pg_extension/.test(sql) ? [{ timescale }] : [];
    },
  } as unknown as DataSource;
  return { db, statements };
}

describe('BarsAggregatesService', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('refreshes both views concurrently on plain PostgreSQL', async () => {
    const { db, statements } = fakeDb(false);
    const service = new BarsAggregatesService(new BarsRepository(db));
    expect(await service.refresh()).toEqual(['bars_1h', 'bars_1d']);
    expect(statements.filter((s) => s.startsWith('REFRESH'))).toEqual([
      'REFRESH MATERIALIZED VIEW CONCURRENTLY bars_1h',
      'REFRESH MATERIALIZED VIEW CONCURRENTLY bars_1d',
    ]);
    // The storage is asked once per process.
    await service.refresh();
    expect(statements.filter((s) => /pg_extension/.test(s))).toHaveLength(1);
  });

  it('does nothing on TimescaleDB, whose continuous aggregates are real-time', async () => {
    const { db, statements } = fakeDb(true);
    expect(await new BarsAggregatesService(new BarsRepository(db)).refresh()).toEqual([]);
    expect(statements.filter((s) => s.startsWith('REFRESH'))).toEqual([]);
  });
});
