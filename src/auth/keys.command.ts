import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { withCliContext } from '../cli/cli-context';
import { ApiKeysModule } from './api-keys.module';
import { ApiKeysService, keyInputIssues, type ApiKeySummary } from './api-keys.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `work` with the keys service on the configured database (no Redis, no HTTP server). */
function withKeys<T>(work: (keys: ApiKeysService) => Promise<T>): Promise<T> {
  return withCliContext([ApiKeysModule], (ctx) => work(ctx.get(ApiKeysService)));
}

function describeKey(k: ApiKeySummary): string {
  const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
  return `${k.id}  ${k.role.padEnd(6)}  ${k.account}  "${k.name}"  qd_${k.prefix}_…  created ${k.createdAt}  last used ${k.lastUsedAt ?? 'never'}  ${status}`;
}

/**
 * `quantdesk keys create|list|revoke`: key administration straight against the database, so the
 * first admin key can be made before any key exists (and with no server running).
 */
export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('Create, list and revoke API keys');

  keys
    .command('create')
    .description('Create an API key (printed once: store it)')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--role <role>', 'admin, trader or viewer')
    .option('--account <name>', 'account the key belongs to (created if missing)', undefined)
    .option('--json', 'print one JSON document: {"id","name","role","key"}')
    .action(async (opts: { name: string; role: string; account?: string; json?: boolean }) => {
      // Checked before touching the database, so a typo costs nothing and exits 2.
      const issues = keyInputIssues({ name: opts.name, role: opts.role, account: opts.account });
      if (issues.length) throw new UsageError(issues.map((i) => `--${i.field}: ${i.reason}`).join('; '));
      const created = await withKeys((s) => s.create({ name: opts.name, role: opts.role, account: opts.account }));
      io.result(
        { id: created.id, name: created.name, role: created.role, key: created.key },
        opts.json === true,
        (c) =>
          [
            `Created API key ${c.id} "${c.name}" (role ${c.role}, account "${created.account}")`,
            `Key: ${c.key}`,
            'This key is shown only once and cannot be recovered: store it now.',
            'Use it as the header  Authorization: Bearer <key>',
          ].join('\n'),
      );
    });

  keys
    .command('list')
    .description('List every API key (never the keys themselves)')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const list = await withKeys((s) => s.list());
      io.result(list, opts.json === true, (l) => (l.length ? l.map(describeKey).join('\n') : 'No API keys'));
    });

  keys
    .command('revoke')
    .description('Revoke an API key by id (a running server stops accepting it within AUTH_CACHE_TTL_MS)')
    .argument('<id>', 'key id (UUID, as `keys list` shows)')
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: { json?: boolean }) => {
      if (!UUID.test(id)) throw new UsageError(`key id must be a UUID, got "${id}"`);
      const revoked = await withKeys((s) => s.revoke(id));
      io.result(revoked, opts.json === true, (k) => `Revoked API key ${k.id} "${k.name}" (${k.revokedAt})`);
    });
}
