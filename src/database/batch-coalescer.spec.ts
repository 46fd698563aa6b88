import { BatchCoalescer } from './batch-coalescer';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A coalescer whose runs record what they ran, wait on `wait`, and fail on a negative item (a
 * batch: on any negative item). By default each run waits for `step()`.
 */
function recorder(maxBatch: number, wait?: () => Promise<void>) {
  const runs: number[][] = [];
  let release: (() => void) | null = null;
  const pause = wait ?? ((): Promise<void> => new Promise((done) => (release = done)));
  const coalescer = new BatchCoalescer<number, string>(
    async (items) => {
      runs.push([...items]);
      await pause();
      if (items.some((i) => i < 0)) throw new Error('batch failed');
      return items.map((i) => `b${i}`);
    },
    async (item) => {
      runs.push([item]);
      await pause();
      if (item < 0) throw new Error(`bad ${item}`);
      return `o${item}`;
    },
    { maxInFlight: 1, maxBatch },
  );
  return { coalescer, runs, step: (): void => release?.() };
}

describe('BatchCoalescer', () => {
  it('runs a lone call at once and alone, and batches the calls that arrive while one is in flight (at most maxBatch each)', async () => {
    const { coalescer, runs, step } = recorder(3);
    const first = coalescer.run(1);
    await tick();
    expect(runs).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => coalescer.run(i));
    step();
    expect(await first).toBe('o1');
    await tick();
    expect(runs).toEqual([[1], [2, 3, 4]]);
    step();
    await tick();
    expect(runs).toEqual([[1], [2, 3, 4], [5]]);
    step();
    expect(await Promise.all(rest)).toEqual(['b2', 'b3', 'b4', 'o5']);
    expect(coalescer.stats()).toEqual({ batches: 3, items: 5 });
  });

  it('re-runs each call of a failed batch on its own: only the bad call fails', async () => {
    const { coalescer, runs } = recorder(8, tick);
    const outcomes = await Promise.all([1, 2, -3, 4].map((i) => coalescer.run(i).catch((e: Error) => e.message)));
    expect(outcomes).toEqual(['o1', 'o2', 'bad -3', 'o4']);
    // 1 alone; 2, -3, 4 together, which failed; then each of them alone.
    expect(runs).toEqual([[1], [2, -3, 4], [2], [-3], [4]]);
  });

  it('refuses options that cannot run', () => {
    const noop = async (): Promise<never[]> => [];
    expect(() => new BatchCoalescer(noop, async () => 1, { maxInFlight: 0, maxBatch: 1 })).toThrow(/maxInFlight/);
    expect(() => new BatchCoalescer(noop, async () => 1, { maxInFlight: 1, maxBatch: 1.5 })).toThrow(/maxBatch/);
  });
});
