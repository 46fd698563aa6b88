/**
 * `npm run bench -- risk`: what the risk core costs, to check the pre-trade gate stays negligible
 * inside POST /api/v1/orders (the 1,000 orders/s target of bench/orders-api.ts) and what a risk
 * snapshot costs per account.
 *
 * - the gate's in-memory part per order: limits merged (cached in the service; here merged once),
 *   the stateless checks, the order-rate/duplicate memory, the state checks over an account of 50
 *   positions (the SQL round trip that feeds them is not here: bench/orders-api.ts measures the
 *   whole request with limits set or not);
 * - the measures of one account: historical, parametric and Monte Carlo VaR/CVaR (RISK_MC_PATHS
 *   paths of 1 and 10 days) over 504 daily returns.
 *
 * Figures (2-core shared machine, Node 20, others' jobs running: upper bounds), least CPU time:
 *
 *   gate checks, memory part                 ~2.5 µs an order (every limit set, 50 positions)
 *   historical / parametric VaR, 504 returns ~0.3 ms / ~0.03 ms
 *   Monte Carlo VaR, 10,000 paths            ~1.3 ms (1 day), ~5.4 ms (10 days)
 *
 * What it says: the gate's cost per order is its one SQL round trip when a state-dependent limit
 * is set (none at all when no limit is), not the checks; a snapshot of an account is a few ms.
 */
import { mergeLimits, monteCarloVar, historicalVar, OrderFlowMemory, parametricVar, stateChecks, statelessChecks, type AccountState, type OrderFacts } from '../src/risk/core';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const limits = mergeLimits(
  { maxOrderQuantity: 10_000, restrictedSymbols: ['GME', 'AMC'], maxOrdersPerMinute: 1_000_000, duplicateWindowSeconds: 1 },
  { maxOrderNotional: 1e6, priceCollarPct: 5, maxPositionNotional: 5e5, maxGrossExposure: 2, maxNetExposure: 1, dailyLossLimit: 50_000, maxOpenOrders: 500 },
);
const state: AccountState = {
  position: 100,
  openBuy: 10,
  openSell: 0,
  openOrders: 20,
  cash: 500_000,
  holdings: Array.from({ length: 50 }, (_, i) => ({ symbol: `S${i}`, quantity: 100 + i, mark: 50 + i })),
  reference: 100,
  referenceAgeMs: 1000,
  dayStartEquity: 700_000,
};
const CALLS = 100_000;
const flow = new OrderFlowMemory();
let now = 0;
const gate = timeRuns(() => {
  let denied = 0;
  for (let i = 0; i < CALLS; i++) {
    const o: OrderFacts = { symbol: 'S7', side: 'buy', type: 'limit', quantity: 1 + (i % 97), limitPrice: 100 + (i % 3) };
    const d = statelessChecks(o, 'NORMAL', limits) ?? flow.reserve('acct', o, limits, (now += 1)).denial ?? stateChecks(o, limits, state, { mode: 'NORMAL', referenceMaxAgeMs: 60_000 });
    if (d) denied++;
  }
  return denied;
}).cpuMin;
process.stdout.write(`gate checks (memory part), ${CALLS} orders: ${gate.toFixed(1)} ms CPU (${((gate / CALLS) * 1000).toFixed(2)} µs an order)\n`);

const paths = arg('paths', 10_000);
let s = 7;
const returns = Float64Array.from({ length: 504 }, () => {
  s = (s * 1103515245 + 12345) % 2147483648;
  return (s / 2147483648 - 0.5) * 0.04;
});
for (const h of [1, 10]) {
  const hist = timeRuns(() => historicalVar(returns, h)).cpuMin;
  const para = timeRuns(() => parametricVar(returns, h)).cpuMin;
  const mc = timeRuns(() => monteCarloVar(returns, h, paths, 42), { minRuns: 3, maxRuns: 5 }).cpuMin;
  process.stdout.write(`VaR/CVaR over 504 returns, ${h} day(s): historical ${hist.toFixed(2)} ms, parametric ${para.toFixed(3)} ms, Monte Carlo (${paths} paths) ${mc.toFixed(1)} ms CPU\n`);
}
