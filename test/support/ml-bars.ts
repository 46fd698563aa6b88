/** Seeded synthetic bar series for the ml integration specs, stored through the import path. */
import type { INestApplicationContext } from '@nestjs/common';
import { BarsImportService } from '../../src/market-data/bars-import.service';
import { rng } from './ml-data';

export const DAY = 86_400_000;
export const T0 = Date.parse('2020-01-01T00:00:00Z');

/**
 * Closes whose one-bar log returns follow an AR(1) r_t = phi·r_{t-1} + noise, phi switching at
 * the given bars: phi > 0 is momentum (the sign of the next return follows the last one, which a
 * logistic model on ret_1 learns), phi < 0 mean reversion, the same model's errors flip. Seeded.
 */
export function regimeCloses(n: number, seed: number, regimes: readonly { from: number; phi: number }[], scale = 0.01): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let c = 100;
  let last = 0;
  for (let t = 0; t < n; t++) {
    const phi = [...regimes].reverse().find((g) => t >= g.from)?.phi ?? 0;
    const noise = scale * (r() + r() + r() - 1.5);
    last = phi * last + noise;
    c *= Math.exp(last);
    out.push(c);
  }
  return out;
}

/** Stores closes as daily bars from T0 + offset days through BarsImportService (the import path the API uses). */
export async function storeCloses(app: INestApplicationContext, symbol: string, closes: readonly number[], offsetDays = 0): Promise<void> {
  const rows = closes.map((close, i) => ({ ts: new Date(T0 + (offsetDays + i) * DAY).toISOString(), close }));
  await app.get(BarsImportService).importRows(rows, { symbol, timeframe: '1d' });
}
