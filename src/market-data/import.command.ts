import { createReadStream, promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo, Progress } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { withCliContext } from '../cli/cli-context';
import { ValidationFailedError } from '../common/errors/domain-error';
import { parseColumnMapping } from './bars-csv.parser';
import { BarsImportService, type ImportSummary } from './bars-import.service';
import { checkSeriesKey, describeIssue, type BarIssue } from './bars.validator';
import { MarketDataModule } from './market-data.module';

interface ImportCommandOptions {
  csv: string;
  symbol: string;
  timeframe: string;
  columns?: string;
  json?: boolean;
  refresh: boolean;
}

/** The `--json` document: exactly these keys. */
export type ImportCommandResult = Pick<ImportSummary, 'symbol' | 'timeframe' | 'rows' | 'inserted' | 'updated' | 'unchanged' | 'from' | 'to' | 'elapsedMs'>;

/** A progress bar whose stop() may be called more than once. */
function once(p: Progress): Progress {
  let stopped = false;
  return {
    update: (n) => (stopped ? undefined : p.update(n)),
    increment: (n) => (stopped ? undefined : p.increment(n)),
    stop: () => {
      if (!stopped) p.stop();
      stopped = true;
    },
  };
}

/**
 * A file as text chunks, decoded as UTF-8 across chunk boundaries, reporting bytes read (for the
 * progress bar, whose total is the file size).
 */
export async function* readTextFile(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    onBytes?.(bytes);
    yield decoder.decode(buf, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * `quantdesk import --csv FILE --symbol SYM [--timeframe 1d] [--columns date=Date,...]`:
 * loads bars into the configured database, no server needed (no Redis either). The file is
 * validated whole first; a bad file prints its problems by row and exits 2 with nothing written.
 */
export function registerImportCommands(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('Import bars from a CSV file (header row; columns by name, or mapped with --columns)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--symbol <symbol>', 'symbol the bars belong to (1-32 of A-Z a-z 0-9 . _ - /)')
    .option('--timeframe <timeframe>', 'bar length: 1m, 5m, 30m, 1h, 1d, 1w, 1mo ...', '1d')
    .option('--columns <mapping>', 'field=Header overrides, e.g. date=Date,close=Adj Close')
    .option('--json', 'print one JSON document')
    .option('--no-refresh', 'do not refresh the 1h/1d aggregates after importing 1-minute bars')
    .action(async (opts: ImportCommandOptions) => {
      let columns: Record<string, string> | undefined;
      try {
        columns = opts.columns === undefined ? undefined : parseColumnMapping(opts.columns);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const keyIssues = checkSeriesKey(opts.symbol, opts.timeframe);
      if (keyIssues.length) throw new UsageError(keyIssues.map((i) => `--${i.field}: ${i.reason}`).join('; '));
      const stat = await fs.stat(opts.csv).catch(() => undefined);
      if (!stat) throw new UsageError(`no such file: ${opts.csv}`);
      if (!stat.isFile()) throw new UsageError(`not a file: ${opts.csv}`);

      const started = performance.now();
      const summary = await withCliContext([MarketDataModule], async (ctx) => {
        const reading = once(io.progress(stat.size, 'Reading'));
        let writing: Progress | undefined;
        try {
          return await ctx.get(BarsImportService).importCsv(
            readTextFile(opts.csv, (b) => reading.update(b)),
            {
              symbol: opts.symbol,
              timeframe: opts.timeframe,
              columns,
              refresh: opts.refresh,
              source: opts.csv,
              expectedRows: Math.ceil(stat.size / 24),
              onWrite: (done, total) => {
                if (!writing) {
                  reading.stop();
                  writing = once(io.progress(total, 'Writing'));
                }
                writing.update(done);
              },
            },
          );
        } catch (err) {
          if (err instanceof ValidationFailedError) {
            reading.stop();
            writing?.stop();
            for (const issue of err.issues) io.info(`${opts.csv}: ${describeIssue(issue as BarIssue)}`);
            const n = err.issues.length;
            throw new UsageError(`${opts.csv}: refused, nothing was written (${n} problem${n === 1 ? '' : 's'} listed above)`);
          }
          throw err;
        } finally {
          reading.stop();
          writing?.stop();
        }
      });
      const result: ImportCommandResult = {
        symbol: summary.symbol,
        timeframe: summary.timeframe,
        rows: summary.rows,
        inserted: summary.inserted,
        updated: summary.updated,
        unchanged: summary.unchanged,
        from: summary.from,
        to: summary.to,
        elapsedMs: Math.round(performance.now() - started),
      };
      io.result(
        result,
        opts.json === true,
        (r) =>
          `Imported ${r.symbol} ${r.timeframe}: ${r.rows} rows (${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged), ` +
          `${r.from} .. ${r.to}, in ${r.elapsedMs} ms${summary.aggregatesRefreshed.length ? `; refreshed ${summary.aggregatesRefreshed.join(', ')}` : ''}`,
      );
    });
}
