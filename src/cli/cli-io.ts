import { SingleBar, Presets } from 'cli-progress';

/** A progress indicator for long CLI work: a bar on a TTY, nothing otherwise. */
export interface Progress {
  update(done: number): void;
  increment(by?: number): void;
  stop(): void;
}

export interface CliIo {
  /** Writes the command's result: exactly one JSON document with `--json`, else `human(result)`. */
  result<T>(value: T, json: boolean, human: (value: T) => string): void;
  /** A line for the operator (stderr, so stdout stays clean for `--json`). */
  info(message: string): void;
  progress(total: number, label: string): Progress;
}

export interface CliStreams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createCliIo(streams: CliStreams = { stdout: process.stdout, stderr: process.stderr }): CliIo {
  return {
    result(value, json, human) {
      streams.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human(value)}\n`);
    },
    info(message) {
      streams.stderr.write(`${message}\n`);
    },
    progress(total, label) {
      if (!streams.stderr.isTTY) return { update: () => undefined, increment: () => undefined, stop: () => undefined };
      const bar = new SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta}s`, stream: streams.stderr, clearOnComplete: false },
        Presets.shades_classic,
      );
      bar.start(total, 0);
      return { update: (n) => bar.update(n), increment: (n = 1) => bar.increment(n), stop: () => bar.stop() };
    },
  };
}
