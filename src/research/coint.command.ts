import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { engleGranger, type CriticalValues } from '../quant/stats';
import { humanLines, parseAutolag, parseMaxLag, readSeries, usageFromStats } from './adf.command';
import { toCointResult } from './coint-result.mapper';

interface CointCommandOptions {
  csv: string;
  y: string;
  x: string;
  log?: boolean;
  autolag: string;
  maxlag?: string;
  json?: boolean;
}

/** The `--json` document of `quantdesk coint`. */
export interface CointCommandResult {
  /** τ of the residuals' ADF; null for a perfect fit (statsmodels' -inf). */
  readonly statistic: number | null;
  readonly pValue: number;
  readonly criticalValues: CriticalValues;
  readonly hedgeRatio: number;
  readonly intercept: number;
  /** Bars; null when the spread does not revert (λ ≥ 0, an infinite half-life). */
  readonly halfLife: number | null;
  /** null when the ADF was skipped (perfect fit). */
  readonly usedLag: number | null;
}

/**
 * `quantdesk coint --csv FILE --y NAME --x NAME [--log] [--autolag aic|bic|t-stat|none]
 * [--maxlag N] --json`: Engle-Granger cointegration of y on x (src/quant/stats, as statsmodels
 * coint with trend 'c'), the hedge ratio and the half-life of the spread y - intercept -
 * hedgeRatio·x. Pure computation on the file: no database, no Redis.
 */
export function registerCointCommands(program: Command, io: CliIo): void {
  program
    .command('coint')
    .description('Engle-Granger cointegration test of two CSV columns, hedge ratio and spread half-life (statsmodels coint conventions)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--y <name>', 'dependent column (the leg regressed)')
    .requiredOption('--x <name>', 'regressor column (the hedge)')
    .option('--log', 'use the natural log of the values (they must be > 0)')
    .option('--autolag <method>', 'lag selection of the residual ADF: aic, bic, t-stat, or none (use --maxlag)', 'aic')
    .option('--maxlag <n>', 'largest lag searched (default ceil(12*(nobs/100)^(1/4)))')
    .option('--json', 'print one JSON document')
    .action(async (opts: CointCommandOptions) => {
      const autolag = parseAutolag(opts.autolag);
      const maxLag = parseMaxLag(opts.maxlag);
      const [y, x] = await readSeries(opts.csv, [opts.y, opts.x], opts.log === true);
      let result: CointCommandResult;
      try {
        result = toCointResult(engleGranger(y, x, { autolag, maxLag }));
      } catch (err) {
        usageFromStats(err, opts.csv, (field) => (field === 'x' ? opts.x : field === 'y' || field === 'spread' ? opts.y : undefined));
      }
      io.result(result, opts.json === true, humanLines);
    });
}
