import { Writable } from 'node:stream';
import { createCliIo } from './cli-io';

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean; columns?: number }; text: () => string } {
  let buf = '';
  const stream = Object.assign(
    new Writable({
      write: (c, _e, cb) => {
        buf += String(c);
        cb();
      },
    }),
    { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream, text: () => buf };
}

describe('CLI output', () => {
  it('prints one JSON document on stdout with --json, human text otherwise', () => {
    const out = sink(false);
    const err = sink(false);
    const io = createCliIo({ stdout: out.stream, stderr: err.stream });
    io.result({ a: 1 }, true, () => 'human');
    io.result({ a: 1 }, false, (v) => `a is ${v.a}`);
    io.info('a note');
    expect(out.text()).toBe('{"a":1}\na is 1\n');
    expect(err.text()).toBe('a note\n');
  });

  it('draws a progress bar on a terminal', () => {
    const err = sink(true);
    const io = createCliIo({ stdout: sink(false).stream, stderr: err.stream });
    const p = io.progress(200, 'Importing');
    p.update(100);
    p.increment(100);
    p.stop();
    expect(err.text()).toContain('Importing');
    expect(err.text()).toContain('200/200');
  });

  it('stays silent when stderr is not a terminal (pipes, CI logs)', () => {
    const err = sink(false);
    const io = createCliIo({ stdout: sink(false).stream, stderr: err.stream });
    const p = io.progress(10, 'Importing');
    p.update(5);
    p.stop();
    expect(err.text()).toBe('');
  });
});
