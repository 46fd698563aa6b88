import 'reflect-metadata';
import { runCli } from './cli/program';

/** The `quantdesk` command (bin/quantdesk.js). Works without a running server. */
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`quantdesk: ${String(err)}\n`);
    process.exit(1);
  },
);
