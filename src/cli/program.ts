import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/app-config';
import { StartupError } from '../common/startup-error';
import { DomainError } from '../common/errors/domain-error';
import { createCliIo, type CliIo } from './cli-io';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './cli-errors';
import { CLI_COMMANDS } from './commands';

/** A feature's CLI commands: it adds them to the program; `io` is where they write. */
export type RegisterCommands = (program: Command, io: CliIo) => void;

export function buildProgram(io: CliIo): Command {
  const program = new Command('quantdesk')
    .description('QuantDesk: research, trading, risk and data from the command line (no server needed)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  for (const register of CLI_COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and resolves to its exit code: 0 done, 1 failed, 2 bad arguments or input. */
export async function runCli(argv: readonly string[], io: CliIo = createCliIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (unknown option, missing argument, ...).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.info(`quantdesk: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof DomainError && err.statusCode >= 400 && err.statusCode < 500) {
      // Input the domain refused (a bad file, an unknown key id): the caller's to fix.
      io.info(`quantdesk: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof StartupError || err instanceof ConfigError) {
      io.info(`quantdesk: ${err.message}`);
      return EXIT_FAILURE;
    }
    io.info(`quantdesk: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT_FAILURE;
  }
}
