/**
 * `npm run bench -- market-making [--steps N]`: events per second of the market-making core
 * (src/strategies/market-making/core). The synthetic stream has N quote updates (default
 * 200,000) and Poisson trades at 280 per time unit (dt = 0.005: about 1.4 trades per quote,
 * ~480,000 events), informed episodes at 0.2 per time unit. Timed: the generator; the
 * simulator with the default A-S quoter and the intensity fill model (one draw per quoted side
 * per interval) and with the trade-through model; and the simulator on the 62,496 USD/CHF
 * 30-minute closes. Each figure is the median of several runs after warm-up runs; nothing is
 * asserted (figures depend on the machine and its load).
 *
 * Figures (2-core shared machine, Node 20, other engineers' jobs running; two runs, the second
 * after the quoter precomputed its liquidity term):
 *   generator                          301 / 152 ms   1.6 / 3.2 M events/s
 *   simulator, intensity fills         408 / 199 ms   1.2 / 2.4 M events/s
 *   simulator, trade-through           157 / 112 ms   3.1 / 4.3 M events/s
 *   simulator, per-event arrays        279 / 217 ms   1.7 / 2.2 M events/s
 *   USD/CHF closes (62,496), intensity  50 /  24 ms   1.2 / 2.6 M events/s
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSyntheticMarket, quoteEventsFromCloses, resolveMarketMakingParams, simulateMarketMaking } from '../src/strategies/market-making/core';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const time = (fn: () => unknown): number => timeRuns(fn, { warmup: 1 }).ms;

const steps = arg('steps', 200_000);
const out = (s: string): boolean => process.stdout.write(`${s}\n`);
const options = { seed: 1, steps, tradeRate: 280, informedRate: 0.2 };
const market = generateSyntheticMarket(options);
const n = market.events.length;
const rate = (ms: number, events: number): string => `${ms.toFixed(1).padStart(8)} ms   ${((events / ms) * 1e3 / 1e6).toFixed(2)} M events/s`;
out(`market making, synthetic stream: ${steps} quotes + ${n - steps} trades = ${n} events (median)`);
out(`  generator                          ${rate(time(() => generateSyntheticMarket(options)), n)}`);
const params = resolveMarketMakingParams();
out(`  simulator, A-S, intensity fills    ${rate(time(() => simulateMarketMaking(market.events, params, { seed: 1 })), n)}`);
out(`  simulator, A-S, trade-through      ${rate(time(() => simulateMarketMaking(market.events, params, { fillModel: 'trades' })), n)}`);
out(`  simulator, with per-event arrays   ${rate(time(() => simulateMarketMaking(market.events, params, { seed: 1, record: true })), n)}`);

const lines = readFileSync(join(__dirname, '..', '..', '..', '..', 'data', 'samples', 'usdchf_30min.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
const closes = Float64Array.from(lines, (l) => Number(l.split(',')[1]));
const fx = quoteEventsFromCloses(closes, { halfSpread: 0.0001 });
const fxParams = resolveMarketMakingParams({ gamma: 50, k: 3000, A: 2, qMax: 5, tickSize: 0.00001 });
out(`  USD/CHF 30-minute closes (${fx.length} quotes), intensity ${rate(time(() => simulateMarketMaking(fx, fxParams, { seed: 1 })), fx.length)}`);
