import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { loadConfig } from '../config/app-config';
import { ensureDatabase } from './database-bootstrap';
import { revertLastMigration, runMigrations } from './data-source.factory';

/** `quantdesk migrate run|revert` (also `npm run migration:run` / `migration:revert`). */
export function registerMigrationCommands(program: Command, io: CliIo): void {
  const migrate = program.command('migrate').description('Apply or revert database migrations');
  migrate
    .command('run')
    .description('Apply every pending migration (creates the database if missing)')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      await ensureDatabase(config.databaseUrl, config.databaseAutoCreate);
      const applied = await runMigrations(config);
      io.result({ applied }, opts.json === true, (r) => (r.applied.length ? `Applied: ${r.applied.join(', ')}` : 'No pending migrations'));
    });
  migrate
    .command('revert')
    .description('Revert the last applied migration')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const reverted = await revertLastMigration(config);
      io.result({ reverted }, opts.json === true, (r) => (r.reverted ? 'Reverted the last migration' : 'No migration to revert'));
    });
}
