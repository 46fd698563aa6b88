import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { ForbiddenError, UnauthorizedError } from '../common/errors/domain-error';
import { keyFingerprint, parseApiKey, verifySecret } from './api-key.crypto';
import { VerifiedKeyCache } from './api-key.cache';
import { ApiKeysRepository } from './api-keys.repository';
import { type Principal, type Role, roleAtLeast } from './roles';

/** Injection token of the clock auth uses for its cache and last-used throttle (tests pass a fake). */
export const AUTH_CLOCK = Symbol('AUTH_CLOCK');
export type Clock = () => number;

/** `last_used_at` is written at most this often per key: it is an audit hint, not a hot counter. */
export const LAST_USED_INTERVAL_MS = 60_000;

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Turns an `Authorization` header into the Principal of its API key. Used by the global guard
 * and by routes served outside Nest (the queue dashboard's Fastify hook), so both answer the
 * same 401s. Messages never echo the presented key.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly cache: VerifiedKeyCache;
  /** Verifications under way, so a burst of requests with one new key runs scrypt once. */
  private readonly inFlight = new Map<string, Promise<Principal>>();
  private readonly lastTouched = new Map<string, number>();
  /**
   * Bumped by every revocation: a verification that read its row before a revocation must not
   * put the key back into the cache after the revocation evicted it.
   */
  private revocations = 0;

  constructor(
    private readonly repository: ApiKeysRepository,
    @InjectConfig() config: AppConfig,
    @Optional() @Inject(AUTH_CLOCK) private readonly now: Clock = Date.now,
  ) {
    this.cache = new VerifiedKeyCache(config.authCacheTtlMs, this.now);
  }

  /**
   * The caller of a request, from `Authorization: Bearer <key>`. Throws UnauthorizedError when
   * the header is missing or malformed, or the key is unknown, wrong or revoked.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (authorization === undefined || authorization.trim() === '') {
      throw new UnauthorizedError('An API key is required: send Authorization: Bearer <key>');
    }
    const key = BEARER.exec(authorization)?.[1];
    if (key === undefined) throw new UnauthorizedError('Malformed Authorization header: expected Bearer <key>');
    const parsed = parseApiKey(key);
    if (!parsed) throw new UnauthorizedError('Invalid API key');

    const fingerprint = keyFingerprint(key);
    const cached = this.cache.get(fingerprint);
    if (cached) {
      await this.touch(cached.keyId);
      return cached;
    }
    let pending = this.inFlight.get(fingerprint);
    if (!pending) {
      pending = this.verify(parsed.publicId, parsed.secret, fingerprint).finally(() => this.inFlight.delete(fingerprint));
      this.inFlight.set(fingerprint, pending);
    }
    const principal = await pending;
    await this.touch(principal.keyId);
    return principal;
  }

  /** Throws ForbiddenError unless the principal holds at least `required`. */
  authorize(principal: Principal, required: Role): void {
    if (!roleAtLeast(principal.role, required)) {
      throw new ForbiddenError(`This needs the ${required} role; the key has ${principal.role}`, { required, held: principal.role });
    }
  }

  /** Drops the key's cached verifications (called on revocation). */
  forgetKey(keyId: string): void {
    this.revocations += 1;
    this.cache.evictKey(keyId);
  }

  private async verify(publicId: string, secret: string, fingerprint: string): Promise<Principal> {
    const revocationsBefore = this.revocations;
    const row = await this.repository.findByPublicId(publicId);
    if (!row || !(await verifySecret(secret, row.keyHash))) {
      // The public id is a lookup handle, not a secret: logging it helps trace a bad client.
      this.logger.debug(`Authentication failed: no key matches public id ${publicId}`);
      throw new UnauthorizedError('Invalid API key');
    }
    if (row.revokedAt) {
      this.logger.debug(`Authentication failed: key ${row.id} is revoked`);
      throw new UnauthorizedError('This API key has been revoked');
    }
    const principal: Principal = { keyId: row.id, keyName: row.name, accountId: row.accountId, role: row.role };
    if (this.revocations === revocationsBefore) this.cache.set(fingerprint, principal);
    if (row.lastUsedAt && !this.lastTouched.has(row.id)) this.lastTouched.set(row.id, row.lastUsedAt.getTime());
    return principal;
  }

  /** Writes last_used_at when a minute has passed; a failed write never fails the request. */
  private async touch(keyId: string): Promise<void> {
    const now = this.now();
    const last = this.lastTouched.get(keyId);
    if (last !== undefined && now - last < LAST_USED_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    try {
      await this.repository.touchLastUsed(keyId);
    } catch (err) {
      this.logger.warn(`Could not record last use of key ${keyId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
