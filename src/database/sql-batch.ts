import type { Pool, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { BatchCoalescer, type CoalescerOptions } from './batch-coalescer';

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
  // libpq's PQescapeLiteral rules (pg's escapeLiteral): quotes doubled; with a backslash,
  // doubled and written E'...', so the text means the same whatever standard_conforming_strings
  // says. Done with native replaces: pg's escapeLiteral walks the string in JavaScript, which
  // for a batch's JSON rows (RowsStatement) was 3% of the server's CPU per order.
  const quoted = v.replace(/'/g, "''");
  return v.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
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
  const raw = (await primaryPool(db).query(text)) as QueryResult | QueryResult[];
  const results = Array.isArray(raw) ? raw : [raw];
  if (results.length !== statements.length) throw new Error(`expected ${statements.length} results, got ${results.length}`);
  return results.map((r) => r.rows as Record<string, unknown>[]);
}

/**
 * The pg pool of the primary under a TypeORM DataSource. TypeORM's query() keeps only a single
 * result's rows and adds a query runner per call; hot paths (runAtomically, the OMS's batched
 * reads) use the pool under it.
 */
export function primaryPool(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}

/** A value of a set-based statement's input rows (RowsStatement): JSON, as jsonb_to_recordset reads it. */
export type JsonInput = string | number | boolean | null | readonly JsonInput[] | { readonly [key: string]: JsonInput };

/**
 * `v` as an input field of a RowsStatement: a timestamp as ISO 8601 (UTC), a non-finite number
 * as float8's text ('Infinity', 'NaN'), which JSON cannot hold and jsonb_to_recordset parses
 * into a float8 column; anything else as it is.
 */
export function jsonField(v: SqlScalar): JsonInput {
  if (v instanceof Date) {
    if (!Number.isFinite(v.getTime())) throw new RangeError('an invalid Date cannot be a statement input');
    return v.toISOString();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

/**
 * A set-based statement: `sql` reads its input rows from $1, a jsonb array of objects
 * (`jsonb_to_recordset($1::jsonb) AS x(k int, ...)`), and returns the rows it made, each with
 * the `k` of the input row it came from. `k` is not the caller's: runRowsAtomically sets it to
 * the position of the call in its batch, so that calls whose statements have the same text run
 * as ONE statement over all their rows (one parse, one plan, and one preparation of each
 * table's constraints and foreign keys per batch instead of per call, which is most of what a
 * row costs PostgreSQL: bench/orders-api.ts), and every call gets back its own rows.
 */
export interface RowsStatement {
  readonly sql: string;
  readonly rows: readonly Readonly<Record<string, JsonInput>>[];
}

/**
 * Runs units of RowsStatements (each unit all or nothing, in its own order) in ONE round trip as
 * ONE transaction (runAtomically): units with the same statement texts are merged statement by
 * statement. For each unit, the rows of each of its statements (without `k`). Any failure
 * fails them all, with nothing written.
 */
export async function runRowsAtomically(db: DataSource, units: readonly (readonly RowsStatement[])[]): Promise<Record<string, unknown>[][][]> {
  const groups = new Map<string, number[]>();
  units.forEach((unit, u) => {
    const signature = unit.map((st) => st.sql).join('\u0000');
    const group = groups.get(signature);
    if (group) group.push(u);
    else groups.set(signature, [u]);
  });
  const statements: SqlStatement[] = [];
  const origin: { readonly members: readonly number[]; readonly position: number }[] = [];
  for (const members of groups.values()) {
    units[members[0]].forEach((first, position) => {
      const rows = members.flatMap((u, k) => units[u][position].rows.map((r) => ({ ...r, k })));
      statements.push({ sql: first.sql, params: [JSON.stringify(rows)] });
      origin.push({ members, position });
    });
  }
  const results = await runAtomically(db, statements);
  const out = units.map((unit) => unit.map((): Record<string, unknown>[] => []));
  results.forEach((rows, s) => {
    const { members, position } = origin[s];
    for (const { k, ...row } of rows) {
      const u = members[Number(k)];
      if (u === undefined) throw new Error(`a set-based statement returned a row of k = ${String(k)}, which no call of its ${members.length} gave`);
      out[u][position].push(row);
    }
  });
  return out;
}

/**
 * Group commit of units of RowsStatements (runRowsAtomically) through a BatchCoalescer: a lone
 * call goes at once; concurrent ones share one round trip, one statement per table and one
 * commit; a failed batch is re-run call by call, so each caller gets what running alone gives.
 */
export function rowsBatcher(db: DataSource, options: CoalescerOptions): BatchCoalescer<readonly RowsStatement[], Record<string, unknown>[][]> {
  return new BatchCoalescer(
    (units) => runRowsAtomically(db, units),
    async (unit) => (await runRowsAtomically(db, [unit]))[0],
    options,
  );
}
