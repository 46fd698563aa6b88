import { escapeLiteral, type Pool, type QueryResult } from 'pg';
import type { DataSource } from 'typeorm';

/** A value a statement binds: what our repositories pass to pg as parameters. */
export type SqlScalar = string | number | boolean | Date | null;
export type SqlValue = SqlScalar | readonly SqlScalar[];

/** A statement with $1..$n placeholders and their values (pg's parameter convention). */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

function scalarLiteral(v: SqlScalar): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return String(v); // the shortest round-trip decimal: the same double
    return `'${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}'`;
  }
  if (v instanceof Date) {
    if (!Number.isFinite(v.getTime())) throw new RangeError('an invalid Date cannot be a SQL literal');
    return `'${v.toISOString()}'`;
  }
  // libpq's PQescapeLiteral rules: quotes doubled; with a backslash, doubled and written E'...',
  // so the text means the same whatever standard_conforming_strings says.
  return escapeLiteral(v);
}

/**
 * The SQL literal of `v` as pg would bind it: a string, number (shortest round-trip decimal;
 * NaN and ±Infinity as float8 text), boolean, timestamp (ISO 8601, UTC) or NULL, and arrays of
 * these as ARRAY[...] (the statement casts them, e.g. `$3::text[]`, as it would a bound array).
 */
export function sqlLiteral(v: SqlValue): string {
  if (Array.isArray(v)) return `ARRAY[${(v as readonly SqlScalar[]).map(scalarLiteral).join(', ')}]`;
  return scalarLiteral(v as SqlScalar);
}

/**
 * `s.sql` with every $n replaced by the literal of params[n - 1]. Our statements only: they must
 * not hold a `$` inside a quoted literal or a dollar-quoted body (none do). Throws when a
 * placeholder has no value or a value has no placeholder, so a mistake cannot bind the wrong thing.
 */
export function inlineParams(s: SqlStatement): string {
  const used = new Set<number>();
  const text = s.sql.replace(/\$(\d+)/g, (_m, digits: string) => {
    const n = Number(digits);
    if (n < 1 || n > s.params.length) throw new RangeError(`placeholder $${n} has no value (${s.params.length} given)`);
    used.add(n);
    return sqlLiteral(s.params[n - 1]);
  });
  if (used.size !== s.params.length) throw new RangeError(`${s.params.length - used.size} of ${s.params.length} values have no placeholder`);
  return text;
}

/**
 * Runs `statements` in ONE round trip as ONE transaction: a simple-protocol Query message with
 * several statements runs them as a single transaction, so they commit together or not at all
 * (PostgreSQL protocol docs, "Multiple Statements in a Simple Query"). The rows of each
 * statement, in order. For hot paths where a transaction's BEGIN, statements and COMMIT would
 * each be a round trip (the OMS's paper submit, bench/orders-api.ts); values are inlined as
 * literals (inlineParams), since the simple protocol takes no parameters. Planning is the same as
 * for the unnamed statements pg sends otherwise: each is parsed and planned once per call either way.
 */
export async function runAtomically(db: DataSource, statements: readonly SqlStatement[]): Promise<Record<string, unknown>[][]> {
  if (statements.length === 0) return [];
  const text = statements.map((s) => inlineParams(s)).join(';\n');
  // TypeORM's query() keeps only a single result's rows; the pool under it returns them all.
  const pool = (db.driver as unknown as { master: Pool }).master;
  const raw = (await pool.query(text)) as QueryResult | QueryResult[];
  const results = Array.isArray(raw) ? raw : [raw];
  if (results.length !== statements.length) throw new Error(`expected ${statements.length} results, got ${results.length}`);
  return results.map((r) => r.rows as Record<string, unknown>[]);
}
