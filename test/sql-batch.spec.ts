import { escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { inlineParams, jsonField, rowsBatcher, runAtomically, runRowsAtomically, sqlLiteral, type RowsStatement } from '../src/database/sql-batch';

describe('sql-batch: statements in one round trip, one transaction', () => {
  let db: DataSource;
  const table = `sql_batch_${process.pid}_${Date.now()}`;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(loadConfig(process.env)));
    await db.initialize();
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text, at timestamptz, x float8, tags text[])`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.destroy();
  });

  it('writes literals that mean what pg would bind: quotes, backslashes, unicode, dates, floats, arrays', async () => {
    const values = ["it's", 'back\\slash \\\' both', 'Grüße — ✓', "'; DROP TABLE x; --", ''];
    for (const [i, note] of values.entries()) {
      const at = new Date(Date.UTC(2024, 6, 10, 14, 30, 0, 123));
      const x = i === 4 ? -Infinity : 0.1 + 0.2;
      await runAtomically(db, [{ sql: `INSERT INTO ${table} (id, note, at, x, tags) VALUES ($1, $2, $3, $4, $5::text[])`, params: [i, note, at, x, [note, null]] }]);
      const [row] = await db.query<{ note: string; at: Date; x: number; tags: (string | null)[] }[]>(`SELECT note, at, x, tags FROM ${table} WHERE id = $1`, [i]);
      expect(row.note).toBe(note);
      expect(row.at.getTime()).toBe(at.getTime());
      expect(Object.is(row.x, x)).toBe(true);
      expect(row.tags).toEqual([note, null]);
    }
    // Strings as libpq's PQescapeLiteral (pg's escapeLiteral) writes them.
    for (const v of values.concat(['a\\b', "\\'", 'plain'])) expect(sqlLiteral(v)).toBe(escapeLiteral(v));
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(Number.NaN)).toBe("'NaN'");
    expect(sqlLiteral([])).toBe('ARRAY[]');
  });

  it('commits all statements or none: a failing second statement leaves the first unwritten', async () => {
    await expect(
      runAtomically(db, [
        { sql: `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`, params: [100, 'first'] },
        { sql: `INSERT INTO ${table} (id, note) VALUES ($1, $2)`, params: [0, 'duplicate key'] },
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query(`SELECT id FROM ${table} WHERE id = 100`)).toEqual([]);
    const rows = await runAtomically(db, [
      { sql: `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`, params: [101, 'a'] },
      { sql: `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING note`, params: [102, 'b'] },
    ]);
    expect(rows).toEqual([[{ id: 101 }], [{ note: 'b' }]]);
  });

  it('refuses a placeholder without a value and a value without a placeholder', () => {
    expect(() => inlineParams({ sql: 'SELECT $1, $2', params: [1] })).toThrow(/\$2 has no value/);
    expect(() => inlineParams({ sql: 'SELECT $1', params: [1, 2] })).toThrow(/no placeholder/);
    expect(() => inlineParams({ sql: 'SELECT $1', params: [new Date(Number.NaN)] })).toThrow(/invalid Date/);
    // $10 is the tenth value, not $1 followed by a 0.
    expect(inlineParams({ sql: 'SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10', params: ['a', 2, 3, 4, 5, 6, 7, 8, 9, "x'y"] })).toBe("SELECT 'a', 2, 3, 4, 5, 6, 7, 8, 9, 'x''y'");
  });

  describe('set-based statements (RowsStatement) and group commit', () => {
    // Each unit: a row of this table and a row of a second one, as the OMS writes an order and the paper broker's row.
    const insertRows = (): string => `WITH i AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, id int, note text, at timestamptz, x float8))
      INSERT INTO ${table} (id, note, at, x) SELECT id, note, at, x FROM i ORDER BY k RETURNING id + 0 AS id, note, (SELECT k FROM i WHERE i.id = ${table}.id) AS k`;
    const echo = `SELECT k, note || '!' AS shout FROM jsonb_to_recordset($1::jsonb) AS x(k int, note text)`;
    const unit = (id: number, note: string, x = 1.5): RowsStatement[] => [
      { sql: insertRows(), rows: [{ id, note, at: jsonField(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))), x: jsonField(x) }] },
      { sql: echo, rows: [{ note }, { note: `${note}2` }] },
    ];

    it('merges units with the same statements and gives each unit its own rows, in its order; JSON inputs keep their values', async () => {
      const out = await runRowsAtomically(db, [unit(200, "it's"), unit(201, 'b', -Infinity), unit(202, 'Grüße ✓')]);
      expect(out).toEqual([
        [[{ id: 200, note: "it's" }], [{ shout: "it's!" }, { shout: "it's2!" }]],
        [[{ id: 201, note: 'b' }], [{ shout: 'b!' }, { shout: 'b2!' }]],
        [[{ id: 202, note: 'Grüße ✓' }], [{ shout: 'Grüße ✓!' }, { shout: 'Grüße ✓2!' }]],
      ]);
      const rows = await db.query<{ id: number; at: Date; x: number }[]>(`SELECT id, at, x FROM ${table} WHERE id IN (200, 201, 202) ORDER BY id`);
      expect(rows.map((r) => [r.id, r.at.toISOString(), r.x])).toEqual([
        [200, '2024-01-02T03:04:05.678Z', 1.5],
        [201, '2024-01-02T03:04:05.678Z', -Infinity],
        [202, '2024-01-02T03:04:05.678Z', 1.5],
      ]);
    });

    it('fails every unit of a batch, with nothing written, when one row fails', async () => {
      await expect(runRowsAtomically(db, [unit(210, 'ok'), unit(0, 'duplicate key')])).rejects.toMatchObject({ code: '23505' });
      expect(await db.query(`SELECT id FROM ${table} WHERE id = 210`)).toEqual([]);
    });

    it('group commit: concurrent calls share batches, and a failed batch is re-run call by call so only the bad call fails', async () => {
      const batcher = rowsBatcher(db, { maxInFlight: 1, maxBatch: 64 });
      const ids = Array.from({ length: 40 }, (_, i) => 300 + i);
      // 305 twice: one of the two wins, the other fails alone; every other call succeeds.
      const calls = [...ids, 305].map((id, n) => batcher.run(unit(id, `n${n}`)).then(() => 'ok', (err: { code?: string }) => err.code ?? 'error'));
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(40);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(['23505']);
      const [{ n }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE id BETWEEN 300 AND 339`);
      expect(n).toBe(40);
      const { batches, items } = batcher.stats();
      expect(items).toBe(41);
      // The first call went alone; the rest arrived while it ran, so they went together.
      expect(batches).toBeLessThan(items / 4);
    });
  });
});
