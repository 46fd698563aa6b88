/**
 * `npm run bench -- regime-momentum`: backtests of the regime-momentum strategy (issue 4) over
 * the real samples, one thread, through backtestStrategy (what the optimizer's generic engine
 * calls): the NYSE composite with the defaults (2 states, a refit every 63 bars on at most
 * 1,000 returns, 2 starts of at most 100 EM iterations: ~144 fits over 9,311 bars), the same
 * with 3 states and with probability-weighted regimes, the Dow 30 (30 instruments, ~36 fits
 * each) and USD/CHF 30-minute bars (62,496 bars, ~988 fits). Prints the median wall time of a
 * run after a warm-up run, and the share of it spent in the HMM regimes (timed alone).
 * Figures are printed, never asserted.
 *
 * Figures (2-core shared machine, Node 20, load average 9-11 from other engineers' jobs, so
 * several times a quiet machine's wall clock; one run):
 *   NYSE composite, defaults             9,311 bars   144 fits    946 ms  (5-8 ms per fit)
 *   NYSE composite, 3 states             9,311 bars   144 fits  6,564 ms  (~47 ms per fit: general-K loops)
 *   NYSE composite, weighted, long/short 9,311 bars   144 fits  1,069 ms
 *   Dow 30, defaults                     2,529 x 30  1,110 fits 12,651 ms
 *   USD/CHF 30 min, defaults            62,496 bars   988 fits  5,558 ms
 * The regimes are nearly all of it (indicators, the position rule and the engine are a few ms).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../src/backtesting/core';
import { regimeProbabilitiesInto } from '../src/strategies/core/regime-labels';
import { regimeMomentum } from '../src/strategies/core/regime-momentum.strategy';
import { marketData, type MarketData } from '../src/strategies/core/market-data.types';
import { strategyParams } from '../src/strategies/core/strategy.runner';
import { timeRuns } from './support/timing';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'data', 'samples');

function sample(file: string): MarketData {
  const [head, ...lines] = readFileSync(join(SAMPLES, file), 'utf8').trim().split(/\r?\n/);
  const symbols = head.split(',').slice(1);
  const cols = symbols.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').slice(1).forEach((c, j) => (cols[j][i] = Number(c))));
  return marketData(symbols, cols.map((close) => ({ close })));
}

const time = (fn: () => unknown, runs: number): number => timeRuns(fn, { warmup: 0, minRuns: runs, maxRuns: runs, budgetMs: 0 }).ms;

const cases: [string, MarketData, Record<string, number | boolean>, number][] = [
  ['NYSE composite, defaults', sample('nyse_composite_daily.csv'), {}, 5],
  ['NYSE composite, 3 states', sample('nyse_composite_daily.csv'), { states: 3 }, 3],
  ['NYSE composite, weighted, long/short', sample('nyse_composite_daily.csv'), { probabilityWeighted: true, longOnly: false }, 5],
  ['Dow 30, defaults', sample('dowjones30_daily.csv'), {}, 3],
  ['USD/CHF 30 min, defaults', sample('usdchf_30min.csv'), {}, 3],
];

for (const [name, data, given, runs] of cases) {
  const p = strategyParams(regimeMomentum, given);
  const whole = time(() => backtestStrategy(regimeMomentum, p, data), runs);
  const options = { states: p.states, refitEvery: p.refitEvery, fitWindow: p.fitWindow, minFit: p.minFit, starts: p.hmmStarts, maxIterations: p.hmmIterations, seed: p.seed, weighted: p.probabilityWeighted };
  let fits = 0;
  const regimes = time(() => {
    fits = 0;
    for (const b of data.bars) fits += regimeProbabilitiesInto(b.close, options, new Float64Array(3 * data.length)).length;
    return fits;
  }, runs);
  const m = backtestStrategy(regimeMomentum, p, data).metrics;
  process.stdout.write(
    `${name.padEnd(40)} ${data.length} bars x ${data.bars.length}  ${fits} fits  run ${whole.toFixed(0)} ms  (regimes ${regimes.toFixed(0)} ms, ${(regimes / Math.max(fits, 1)).toFixed(2)} ms/fit)  sharpe ${m.sharpe.toFixed(3)}  cagr ${(100 * m.cagr).toFixed(2)}%  maxDD ${(100 * m.maxDrawdown).toFixed(1)}%  exposure ${(100 * m.exposure).toFixed(0)}%\n`,
  );
}
