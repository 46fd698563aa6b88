import type { Principal } from './roles';

/**
 * Successful key verifications, kept for a short TTL because scrypt is slow by design (tens of
 * milliseconds of CPU per request would cap the API's throughput). Entries are named by the
 * SHA-256 fingerprint of the full key (never the key), and can be dropped by key id so that a
 * revocation in this process takes effect at once; a revocation made elsewhere (the CLI, another
 * server process) takes effect within one TTL.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Bounds memory when many distinct keys are used; the oldest entry goes first. */
    private readonly maxEntries = 10_000,
  ) {}

  get(fingerprint: string): Principal | undefined {
    const entry = this.entries.get(fingerprint);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(fingerprint);
      return undefined;
    }
    return entry.principal;
  }

  set(fingerprint: string, principal: Principal): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(fingerprint);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(fingerprint, { principal, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets every cached verification of this key (revocation, role change). */
  evictKey(keyId: string): void {
    for (const [fingerprint, entry] of this.entries) {
      if (entry.principal.keyId === keyId) this.entries.delete(fingerprint);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
