import { ProgressReporter } from './research-progress.reporter';

describe('ProgressReporter', () => {
  function reporter(intervalMs = 250): { p: ProgressReporter; writes: number[]; clock: { now: number } } {
    const writes: number[] = [];
    const clock = { now: 0 };
    const p = new ProgressReporter(
      async (percent) => {
        writes.push(percent);
      },
      intervalMs,
      () => clock.now,
    );
    return { p, writes, clock };
  }

  it('writes at most once per interval and only after a move of at least 1 point', async () => {
    const { p, writes, clock } = reporter();
    p.report(0.5); // less than a point
    p.report(3);
    clock.now = 100;
    p.report(10); // too soon after the last write
    clock.now = 250;
    p.report(10.5);
    clock.now = 600;
    p.report(11); // only half a point since the last write
    p.report(12);
    clock.now = 900;
    p.report(5); // backwards
    p.report(250); // clamped
    await p.flush();
    expect(writes).toEqual([3, 10.5, 12, 100]);
  });

  it('writes in order and survives a failed write', async () => {
    const writes: number[] = [];
    let t = 0;
    const p = new ProgressReporter(
      async (percent) => {
        if (percent === 2) throw new Error('database down');
        await new Promise((r) => setTimeout(r, 5 - percent));
        writes.push(percent);
      },
      0,
      () => t++,
    );
    for (const v of [1, 2, 3, 4]) p.report(v);
    await p.flush();
    expect(writes).toEqual([1, 3, 4]);
  });
});
