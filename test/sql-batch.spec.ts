import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { inlineParams, runAtomically, sqlLiteral } from '../src/database/sql-batch';

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
});
