import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `bars_latest`: the newest bar of each (symbol, timeframe), kept by the one write path of bars
 * (BarsRepository.writeSeries) in the transaction that stores them. The OMS reads a symbol's mark
 * (the arrival price of every order) and the paper broker its no-lookahead bar on every submit;
 * on `bars` "the newest bar of a symbol of any timeframe" cannot use the (symbol, timeframe, ts)
 * key and sorts every bar of the symbol in every partition (tens of milliseconds for a few months
 * of minute bars, growing with history). Here it is a primary-key lookup.
 *
 * `bars_latest_refresh(symbol, timeframe)` sets a series' row from `bars`. writeSeries calls it
 * before it commits; whoever writes bars with SQL of their own (psql \copy) calls it after.
 */
export class BarsLatest1766100000000 implements MigrationInterface {
  name = 'BarsLatest1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bars_latest (
        symbol text NOT NULL,
        timeframe text NOT NULL,
        ts timestamptz NOT NULL,
        close double precision NOT NULL,
        PRIMARY KEY (symbol, timeframe)
      )`);
    await q.query(`
      CREATE FUNCTION bars_latest_refresh(p_symbol text, p_timeframe text) RETURNS void LANGUAGE sql AS $$
        INSERT INTO bars_latest (symbol, timeframe, ts, close)
        SELECT symbol, timeframe, ts, close FROM bars WHERE symbol = p_symbol AND timeframe = p_timeframe ORDER BY ts DESC LIMIT 1
        ON CONFLICT (symbol, timeframe) DO UPDATE SET ts = excluded.ts, close = excluded.close
      $$`);
    await q.query(`
      INSERT INTO bars_latest (symbol, timeframe, ts, close)
      SELECT DISTINCT ON (symbol, timeframe) symbol, timeframe, ts, close FROM bars ORDER BY symbol, timeframe, ts DESC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS bars_latest_refresh(text, text)`);
    await q.query(`DROP TABLE IF EXISTS bars_latest`);
  }
}
