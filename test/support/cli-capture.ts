import { Writable } from 'node:stream';
import { createCliIo, type CliIo } from '../../src/cli/cli-io';

/** A CliIo whose stdout and stderr are kept in memory, for running the CLI in-process. */
export function captureCli(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
  const stderr = new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) });
  return { io: createCliIo({ stdout, stderr }), out: () => out, err: () => err };
}
