/**
 * `npm run bench -- slippage [--fills N]`: what the sizing and slippage cores cost per call,
 * to decide where the lead wires them (in the live loop per order; stats over the fills table
 * in-process or in SQL).
 *
 * - slippageStatistics over N fills (default 200,000: 50 symbols, 6 venues, seeded prices), and
 *   the part of it that is the per-fill decimal arithmetic (arrivalSlippage alone);
 * - one size() call of each sizer (the live path: one call per instrument per bar);
 * - expectedCost and protectiveLimitPrice, one call each (the pre-trade path per order).
 *
 * Figures (2-core shared machine, Node 20, load average 10-12 from other engineers' jobs: read
 * them as upper bounds), least CPU time of a run:
 *
 *   slippageStatistics, 200,000 fills        ~740 ms (3.7 µs a fill; 1M fills ~4 s)
 *     of which arrivalSlippage               ~320 ms (was ~1,240 with a decimal division for bps)
 *   size(), any sizer                        11-14 µs a call (atr-risk from 60 bars: ~17 µs)
 *   expectedCost / protectiveLimitPrice      ~8 / ~6 µs a call
 *
 * What it says: sizing and the pre-trade checks are negligible per order (two 34-digit decimal
 * divisions are most of a size() call). Statistics cost ~4 µs a fill, most of it decimal
 * arithmetic (six additions of cost and notional a fill, three groups): fine for a job or a day
 * of fills, too slow to run over millions of rows inside an HTTP request; there, aggregate in
 * SQL or keep running totals.
 */
import { Decimal } from '../src/common/decimal';
import { createSizer, listSizers, type SizingContext } from '../src/trading/sizing/core';
import { arrivalSlippage, expectedCost, protectiveLimitPrice, slippageStatistics, type FillRecord } from '../src/trading/slippage/core';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('fills', 200_000);
let seed = 12345;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const venues = ['XNAS', 'ARCX', 'BATS', 'IEXG', 'EDGX', 'XNYS'];
const fills: FillRecord[] = [];
for (let i = 0; i < N; i++) {
  const arrival = new Decimal(Math.round(1000 + rnd() * 400_00)).div(100);
  const ticks = Math.round((rnd() - 0.45) * 40);
  fills.push({
    symbol: `S${i % 50}`,
    venue: venues[i % venues.length],
    side: rnd() < 0.5 ? 'buy' : 'sell',
    quantity: new Decimal(1 + Math.floor(rnd() * 500)),
    price: arrival.plus(new Decimal(ticks).div(100)),
    arrivalPrice: arrival,
  });
}

const time = (fn: () => unknown, budgetMs = 2000): number => timeRuns(fn, { warmup: 3, minRuns: 3, maxRuns: 10, budgetMs }).cpuMin;

const stats = time(() => slippageStatistics(fills));
const perFill = time(() => {
  let s = 0;
  for (let i = 0; i < fills.length; i++) s += arrivalSlippage(fills[i]).bps;
  return s;
});
process.stdout.write(`slippageStatistics, ${N} fills: ${stats.toFixed(1)} ms CPU (${((stats / N) * 1000).toFixed(2)} µs a fill); arrivalSlippage alone ${perFill.toFixed(1)} ms\n`);

const CALLS = 20_000;
const close = Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 5) * 3);
const ctx: SizingContext = {
  equity: new Decimal('1000000'),
  price: new Decimal('101.37'),
  lotSize: new Decimal(1),
  target: 0.8,
  multiplier: 0.5,
  stopDistance: new Decimal('2.15'),
  volatility: 0.22,
  atr: 1.9,
  expectedReturn: 0.0004,
  returnVolatility: 0.015,
};
for (const def of listSizers()) {
  const sizer = createSizer(def.name);
  const ms = time(() => {
    let q = new Decimal(0);
    for (let i = 0; i < CALLS; i++) q = sizer.size(ctx).quantity;
    return q;
  }, 1000);
  process.stdout.write(`${def.name}.size: ${((ms / CALLS) * 1000).toFixed(2)} µs a call\n`);
}
const atrSizer = createSizer('atr-risk');
const withBars: SizingContext = { ...ctx, atr: undefined, bars: { high: close.map((c) => c + 1), low: close.map((c) => c - 1), close } };
const atrMs = time(() => {
  let q = new Decimal(0);
  for (let i = 0; i < CALLS; i++) q = atrSizer.size(withBars).quantity;
  return q;
}, 1000);
process.stdout.write(`atr-risk.size from 60 bars: ${((atrMs / CALLS) * 1000).toFixed(2)} µs a call\n`);

const order = { side: 'buy' as const, quantity: new Decimal(5000), referencePrice: new Decimal('101.37'), spreadBps: 3, volume: 2_000_000, volatility: 0.018 };
const costMs = time(() => {
  let t = new Decimal(0);
  for (let i = 0; i < CALLS; i++) t = expectedCost(order, { feeBps: 0.5, feePerUnit: 0.005, minimumFee: 1 }).total;
  return t;
}, 1000);
const limitMs = time(() => {
  let p = new Decimal(0);
  for (let i = 0; i < CALLS; i++) p = protectiveLimitPrice('sell', order.referencePrice, 15, new Decimal('0.01')).limitPrice;
  return p;
}, 1000);
process.stdout.write(`expectedCost: ${((costMs / CALLS) * 1000).toFixed(2)} µs a call; protectiveLimitPrice: ${((limitMs / CALLS) * 1000).toFixed(2)} µs a call\n`);
