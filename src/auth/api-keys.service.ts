import { Injectable, Logger } from '@nestjs/common';
import { type FieldIssue, NotFoundError, ValidationFailedError } from '../common/errors/domain-error';
import { DEFAULT_ACCOUNT_NAME } from './account.entity';
import { generateApiKey, hashSecret } from './api-key.crypto';
import { ApiKeysRepository, type ApiKeyWithAccount } from './api-keys.repository';
import { AuthService } from './auth.service';
import { ROLES, type Role } from './roles';

/** Key and account names: the same bounds as the CHECK constraints of the foundation migration. */
export const NAME_MAX_LENGTH = 100;

export interface CreateApiKeyInput {
  readonly name: string;
  readonly role: string;
  /** Account name; created when missing. Absent: the "default" account. */
  readonly account?: string;
}

/** What may be shown about a key: never its hash. */
export interface ApiKeySummary {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly account: string;
  readonly accountId: string;
  /** The public id (`qd_<prefix>_...`), so an operator can tell which key a client holds. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** The answer to a creation: the only time the key is ever shown. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly account: string;
  readonly key: string;
}

/**
 * The input problems of a key creation, shared by the HTTP DTO's service-side check and the CLI
 * (which turns them into exit code 2). Names are trimmed before they are checked and stored.
 */
export function keyInputIssues(input: CreateApiKeyInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const name = input.name.trim();
  if (name.length === 0) issues.push({ field: 'name', reason: 'name must not be empty' });
  if (name.length > NAME_MAX_LENGTH) issues.push({ field: 'name', reason: `name must be at most ${NAME_MAX_LENGTH} characters` });
  if (!(ROLES as readonly string[]).includes(input.role)) issues.push({ field: 'role', reason: `role must be one of ${ROLES.join(', ')}` });
  if (input.account !== undefined) {
    const account = input.account.trim();
    if (account.length === 0) issues.push({ field: 'account', reason: 'account must not be empty' });
    if (account.length > NAME_MAX_LENGTH) issues.push({ field: 'account', reason: `account must be at most ${NAME_MAX_LENGTH} characters` });
  }
  return issues;
}

function summarize(row: ApiKeyWithAccount): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    account: row.account.name,
    accountId: row.accountId,
    prefix: row.keyPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

/** Creating, listing and revoking API keys: the admin endpoints and `quantdesk keys` share it. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly auth: AuthService,
  ) {}

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const issues = keyInputIssues(input);
    if (issues.length) throw new ValidationFailedError(`Invalid key: ${issues.map((i) => i.reason).join('; ')}`, issues);
    const account = await this.repository.ensureAccount(input.account?.trim() ?? DEFAULT_ACCOUNT_NAME);
    // A public id collision (62^10 ids) is all but impossible; retrying keeps it harmless.
    for (let attempt = 0; attempt < 3; attempt++) {
      const generated = generateApiKey();
      const row = await this.repository.insert({
        accountId: account.id,
        name: input.name.trim(),
        role: input.role as Role,
        keyPrefix: generated.publicId,
        keyHash: await hashSecret(generated.secret),
      });
      if (row) {
        this.logger.log(`API key ${row.id} created (name "${row.name}", role ${row.role}, account "${account.name}")`);
        return { id: row.id, name: row.name, role: row.role, account: account.name, key: generated.key };
      }
    }
    throw new Error('Could not allocate a unique API key id after 3 attempts');
  }

  async list(filter: { accountId?: string } = {}): Promise<ApiKeySummary[]> {
    return (await this.repository.list(filter)).map(summarize);
  }

  /** Revokes a key (idempotent: revoking twice keeps the first time). NotFoundError if unknown. */
  async revoke(id: string): Promise<ApiKeySummary> {
    const row = await this.repository.revoke(id);
    if (!row) throw new NotFoundError('API key', id);
    this.auth.forgetKey(id);
    this.logger.log(`API key ${id} revoked`);
    return summarize(row);
  }
}
