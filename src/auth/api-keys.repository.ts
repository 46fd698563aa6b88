import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, QueryFailedError, Repository } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import type { Role } from './roles';

export interface NewApiKeyRow {
  readonly accountId: string;
  readonly name: string;
  readonly role: Role;
  readonly keyPrefix: string;
  readonly keyHash: string;
}

/** An API key with its account loaded (every read returns this shape). */
export type ApiKeyWithAccount = ApiKeyEntity & { account: AccountEntity };

/** The only I/O of auth: the `accounts` and `api_keys` tables. */
@Injectable()
export class ApiKeysRepository {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
  ) {}

  /** The account of this name, created if missing (safe against concurrent creators). */
  async ensureAccount(name: string): Promise<AccountEntity> {
    await this.accounts.createQueryBuilder().insert().into(AccountEntity).values({ name }).orIgnore().execute();
    return this.accounts.findOneByOrFail({ name });
  }

  /** Inserts a key; resolves null when its public id collides with an existing one. */
  async insert(row: NewApiKeyRow): Promise<ApiKeyWithAccount | null> {
    try {
      const { identifiers } = await this.keys.insert(row);
      return this.findById(String(identifiers[0].id));
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string; constraint?: string }).code === '23505') {
        const constraint = (err.driverError as { constraint?: string }).constraint ?? '';
        if (constraint.includes('key_prefix')) return null;
      }
      throw err;
    }
  }

  findByPublicId(keyPrefix: string): Promise<ApiKeyWithAccount | null> {
    return this.keys.findOne({ where: { keyPrefix }, relations: { account: true } }) as Promise<ApiKeyWithAccount | null>;
  }

  findById(id: string): Promise<ApiKeyWithAccount | null> {
    return this.keys.findOne({ where: { id }, relations: { account: true } }) as Promise<ApiKeyWithAccount | null>;
  }

  /** Every key (of one account when given), oldest first. */
  list(filter: { accountId?: string } = {}): Promise<ApiKeyWithAccount[]> {
    return this.keys.find({
      where: filter.accountId ? { accountId: filter.accountId } : {},
      relations: { account: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    }) as Promise<ApiKeyWithAccount[]>;
  }

  /** Marks the key revoked (keeping the first revocation time); null when no such key. */
  async revoke(id: string): Promise<ApiKeyWithAccount | null> {
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return this.findById(id);
  }

  /**
   * Records that the key was used. The database-side condition keeps writes to at most one a
   * minute per key even across several server processes.
   */
  async touchLastUsed(id: string): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`)
      .execute();
  }
}
