import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { createTestKey } from './support/market-data-keys';
import { spawnServer, type ServerProcess } from './support/spawn-server';

/**
 * The crash proof (issue 5): the compiled server is SIGKILLed during a burst of 1,000 order
 * submissions and restarted on the same database and Redis prefix. After its start-up
 * reconciliation, the database must show every acknowledged order once, no client order id
 * twice, filled quantities and positions equal to the sums of the fills, and the paper broker's
 * fills equal to ours. No timing is asserted: the kill point is "after ~300 acknowledgements".
 */
jest.setTimeout(180_000);

const TOTAL = 1000;
const CONCURRENCY = 50;
const KILL_AFTER_ACKS = 300;
const SYMBOLS = ['CRA', 'CRB', 'CRC'];
const ENV = { PAPER_LATENCY_MS: '1', RECONCILIATION_NEW_ORDER_GRACE_MS: '1000', LOG_LEVEL: 'warn' };

describe('SIGKILL during an order burst, then restart', () => {
  const servers: ServerProcess[] = [];
  let db: DataSource | null = null;
  afterAll(async () => {
    await db?.destroy();
    // The second server shares the first's database: kill it, then drop the database once.
    for (const s of servers.slice(1)) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
    await servers[0]?.cleanup();
  });

  it('keeps every acknowledged order exactly once, and positions equal the sum of fills', async () => {
    const first = await spawnServer({ label: 'crash', env: ENV, readyTimeoutMs: 60_000 });
    servers.push(first);
    db = new DataSource({ type: 'postgres', url: first.databaseUrl });
    await db.initialize();
    const key = await createTestKey(db, 'trader');
    const [{ account_id: account }] = await db.query<{ account_id: string }[]>(`SELECT account_id FROM api_keys ORDER BY created_at DESC LIMIT 1`);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    let minute = 0;
    const importBars = async (base: string): Promise<void> => {
      const ts = new Date(Date.UTC(2024, 6, 10, 14, 0) + ++minute * 60_000).toISOString();
      await Promise.all(
        SYMBOLS.map(async (symbol, i) => {
          const close = 100 + i * 10 + (minute % 5);
          const res = await fetch(`${base}/api/v1/market-data/bars`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ symbol, timeframe: '1m', rows: [{ ts, open: close, high: close + 1, low: close - 1, close, volume: 10_000_000 }] }),
          });
          if (res.status !== 201) throw new Error(`bar import answered ${res.status}: ${await res.text()}`);
        }),
      );
    };
    await importBars(first.baseUrl);

    // The burst: buys first in each symbol, then a mix, so sells mostly reduce what was bought.
    const acknowledged = new Set<string>();
    let killed = false;
    let next = 0;
    const bodies = Array.from({ length: TOTAL }, (_, i) => ({
      clientOrderId: `crash-${i}`,
      symbol: SYMBOLS[i % SYMBOLS.length],
      side: i < 150 || i % 3 !== 0 ? 'buy' : 'sell',
      type: 'market',
      quantity: String(1 + (i % 4)),
      timeInForce: 'gtc',
    }));
    const worker = async (): Promise<void> => {
      while (!killed && next < TOTAL) {
        const body = bodies[next++];
        try {
          const res = await fetch(`${first.baseUrl}/api/v1/orders`, { method: 'POST', headers, body: JSON.stringify(body) });
          await res.text();
          if (res.status === 201 || res.status === 200) acknowledged.add(body.clientOrderId);
        } catch {
          // The connection died with the server: not acknowledged.
        }
        if (!killed && acknowledged.size >= KILL_AFTER_ACKS) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    const bars = (async () => {
      while (!killed) {
        await importBars(first.baseUrl).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.all([...Array.from({ length: CONCURRENCY }, worker), bars]);
    const status = await first.exited;
    expect(status.signal).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await spawnServer({
      label: 'crash2',
      env: { ...ENV, DATABASE_URL: first.databaseUrl, REDIS_PREFIX: first.redisPrefix },
      readyTimeoutMs: 60_000,
    });
    servers.push(second);
    // Wait for the start-up reconciliation of the account (its report), then require it ok.
    type Run = { accountId: string; ok: boolean; trigger: string; missedFills: number; details: unknown };
    let run: Run | undefined;
    for (let i = 0; i < 600 && run === undefined; i++) {
      const res = await fetch(`${second.baseUrl}/api/v1/reconciliation`, { headers });
      if (res.status === 200) run = ((await res.json()) as { runs: Run[] }).runs.find((r) => r.accountId === account && r.trigger === 'startup');
      if (run === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    if (run === undefined) throw new Error('no start-up reconciliation report');
    expect({ ok: run.ok, details: run.ok ? null : run.details }).toEqual({ ok: true, details: null });

    // Every acknowledged order exists exactly once; no client order id twice.
    const counts = await db.query<{ client_order_id: string; n: string }[]>(
      `SELECT client_order_id, count(*) AS n FROM orders WHERE account_id = $1 GROUP BY client_order_id`,
      [account],
    );
    const byId = new Map(counts.map((c) => [c.client_order_id, Number(c.n)]));
    expect([...acknowledged].filter((id) => byId.get(id) !== 1)).toEqual([]);
    expect(counts.filter((c) => Number(c.n) !== 1)).toEqual([]);
    expect(counts.length).toBeLessThanOrEqual(TOTAL);

    // Each order's filled quantity is the sum of its fills.
    const filled = await db.query<{ client_order_id: string; filled: string; fills: string }[]>(
      `SELECT o.client_order_id, o.filled_quantity AS filled, coalesce(sum(f.quantity), 0) AS fills
         FROM orders o LEFT JOIN fills f ON f.order_id = o.id WHERE o.account_id = $1
        GROUP BY o.id`,
      [account],
    );
    expect(filled.filter((r) => !new Decimal(r.filled).eq(r.fills))).toEqual([]);

    // Each position is the signed sum of its fills, and equals the paper broker's.
    const positions = await db.query<{ symbol: string; quantity: string; fills: string | null }[]>(
      `SELECT p.symbol, p.quantity,
              (SELECT sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END) FROM fills f WHERE f.account_id = p.account_id AND f.symbol = p.symbol) AS fills
         FROM positions p WHERE p.account_id = $1`,
      [account],
    );
    expect(positions.filter((p) => !new Decimal(p.quantity).eq(p.fills ?? 0))).toEqual([]);
    const fillCount = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM fills WHERE account_id = $1`, [account]);
    expect(Number(fillCount[0].n)).toBeGreaterThan(0);

    // The paper broker's fills and ours are the same set (missed ones were applied).
    const paper = await db.query<{ id: string; quantity: string }[]>(`SELECT id::text AS id, quantity FROM paper_fills WHERE account_id = $1 ORDER BY id`, [account]);
    const ours = await db.query<{ id: string; quantity: string }[]>(`SELECT fill_id AS id, quantity FROM fills WHERE account_id = $1 ORDER BY fill_id`, [account]);
    expect(ours.map((f) => [f.id, new Decimal(f.quantity).toFixed()])).toEqual(paper.map((f) => [f.id, new Decimal(f.quantity).toFixed()]));

    // And the server trades again.
    const after = await fetch(`${second.baseUrl}/api/v1/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ clientOrderId: 'after-restart', symbol: 'CRA', side: 'buy', type: 'market', quantity: '1', timeInForce: 'gtc' }),
    });
    expect(after.status).toBe(201);
  });
});
