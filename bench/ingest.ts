/**
 * `npm run bench -- ingest [--rows N] [--keep-db]`: rows per second of importing one-minute bars
 * through the import path (BarsImportService, exactly what `quantdesk import` runs), printed
 * beside `psql \copy` of the same CSV file into a bare table with the same columns, in one run,
 * on a scratch database that is dropped afterwards. Goal (issue 2): at least 0.7x of \copy.
 *
 * The file's 23 months have no partition yet, so the first load takes the import's build path:
 * each month COPYed into a table of its own with no index, its unique index built in one sort,
 * then attached as the month's partition, all in one import. The file being in time order, each
 * month is built (on two connections) as soon as the parser has passed it, while the rest of the
 * file is parsed; the attach waits for the whole file to be validated.
 *
 * Also printed, to read the figures: a re-import of the same file (the staging + upsert path,
 * every bar unchanged), the refresh of the 1h/1d aggregates the CLI runs after minute bars, and
 * `\copy` straight into `bars` itself (row-by-row maintenance of its unique index, which the
 * build path avoids).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import { withCliContext } from '../src/cli/cli-context';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, ensureDatabase } from '../src/database/database-bootstrap';
import { runMigrations } from '../src/database/data-source.factory';
import { BarsAggregatesService } from '../src/market-data/bars-aggregates.service';
import { BarsImportService, type ImportSummary } from '../src/market-data/bars-import.service';
import { readTextFile } from '../src/market-data/import.command';
import { MarketDataModule } from '../src/market-data/market-data.module';

const OUT = resolve(__dirname, '..', '..', '..', '.out');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** mulberry32: a small seeded PRNG, so the file is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One-minute OHLCV bars of a random walk (log returns ~ N(0, 0.0008) by Box-Muller), prices to
 * 4 decimals, high/low around open and close, so every row passes validation.
 */
async function generateCsv(path: string, rows: number): Promise<void> {
  const rnd = prng(20240101);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const out = createWriteStream(path);
  let text = 'timestamp,open,high,low,close,volume\n';
  let ts = Date.UTC(2022, 0, 3);
  let price = 100;
  for (let i = 0; i < rows; i++) {
    const open = price;
    const close = Math.max(0.01, open * Math.exp(0.0008 * normal()));
    const high = Math.max(open, close) * (1 + Math.abs(0.0003 * normal()));
    const low = Math.min(open, close) * (1 - Math.abs(0.0003 * normal()));
    const o = open.toFixed(4);
    const c = close.toFixed(4);
    // Rounding must not break high >= max(open, close) or low <= min(open, close).
    const h = Math.max(Number(high.toFixed(4)), Number(o), Number(c)).toFixed(4);
    const l = Math.min(Number(low.toFixed(4)), Number(o), Number(c)).toFixed(4);
    text += `${new Date(ts).toISOString().slice(0, 16)}:00Z,${o},${h},${l},${c},${Math.floor(200 + 5000 * rnd())}\n`;
    price = Number(c);
    ts += 60_000;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

async function checkpoint(url: string): Promise<void> {
  // Flushes the previous step's dirty pages so that each timed step starts alike (superuser
  // only; skipped otherwise).
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('CHECKPOINT').catch(() => undefined);
  await c.end();
}

async function sql(url: string, text: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

function psqlCopy(url: string, target: string, file: string): number {
  const started = performance.now();
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${target} FROM '${file.replace(/'/g, "''")}' CSV HEADER`], {
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (r.error) throw new Error(`psql could not run (${r.error.message}); install postgresql-client`);
  if (r.status !== 0) throw new Error(`psql \\copy failed: ${r.stderr}`);
  return ms;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function line(label: string, ms: number, rows: number): string {
  return `  ${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s ${fmt((rows / ms) * 1000).padStart(12)} rows/s`;
}

async function main(): Promise<void> {
  const rows = Number(arg('--rows') ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `ingest-${rows}.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    await generateCsv(file, rows);
  }
  const size = statSync(file).size;

  const base = new URL(loadConfig().databaseUrl);
  base.pathname = `/quantdesk_bench_${randomBytes(4).toString('hex')}`;
  const url = base.toString();
  await ensureDatabase(url, true);
  try {
    await runMigrations({ databaseUrl: url });
    // The import path reads its database from the config, as the CLI does.
    process.env.DATABASE_URL = url;

    const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      await checkpoint(url);
      const started = performance.now();
      const value = await work();
      return { ms: performance.now() - started, value };
    };
    const { first, again, refresh } = await withCliContext([MarketDataModule], async (ctx) => {
      const service = ctx.get(BarsImportService);
      const load = (): Promise<ImportSummary> =>
        service.importCsv(readTextFile(file), { symbol: 'BENCH', timeframe: '1m', refresh: false, expectedRows: Math.ceil(size / 24), source: file });
      const first = await timed(load);
      const again = await timed(load);
      const refresh = await timed(() => ctx.get(BarsAggregatesService).refresh());
      return { first, again, refresh };
    });
    if (first.value.inserted !== rows || again.value.unchanged !== rows) {
      throw new Error(`unexpected import counts: ${JSON.stringify({ first: first.value, again: again.value })}`);
    }

    await sql(url, 'CREATE TABLE bench_bare (timestamp timestamptz, open double precision, high double precision, low double precision, close double precision, volume double precision)');
    await checkpoint(url);
    const bare = psqlCopy(url, 'bench_bare', file);
    // \copy cannot set constant columns: defaults fill symbol and timeframe (a scratch database).
    await sql(url, "ALTER TABLE bars ALTER COLUMN symbol SET DEFAULT 'FLOOR', ALTER COLUMN timeframe SET DEFAULT '1m'");
    await checkpoint(url);
    const intoBars = psqlCopy(url, 'bars (ts, open, high, low, close, volume)', file);

    const out = [
      `ingest: ${fmt(rows)} one-minute bars, ${(size / 1e6).toFixed(1)} MB CSV (${file})`,
      line(`import path, first load (method: ${first.value.method})`, first.ms, rows),
      line(`import path, re-import, all unchanged (method: ${again.value.method})`, again.ms, rows),
      line('psql \\copy into a bare table, same columns, no index', bare, rows),
      line('psql \\copy straight into bars (unique index, partitions)', intoBars, rows),
      `  ${'aggregate refresh after the load (bars_1h, bars_1d)'.padEnd(58)} ${(refresh.ms / 1000).toFixed(2).padStart(7)} s`,
      `ratio import / \\copy bare table: ${(bare / first.ms).toFixed(2)}x (goal >= 0.7x)`,
      `ratio import / \\copy into bars:  ${(intoBars / first.ms).toFixed(2)}x`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (!process.argv.includes('--keep-db')) await dropDatabase(url);
    else process.stderr.write(`kept ${url}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench ingest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
