import { VerifiedKeyCache } from './api-key.cache';
import type { Principal } from './roles';

const principal = (keyId: string): Principal => ({ keyId, keyName: keyId, accountId: 'acc', role: 'viewer' });

describe('VerifiedKeyCache', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('answers within the TTL and forgets at its end', () => {
    const cache = new VerifiedKeyCache(5000, clock);
    cache.set('fp1', principal('k1'));
    now += 4999;
    expect(cache.get('fp1')).toEqual(principal('k1'));
    now += 1;
    expect(cache.get('fp1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts every fingerprint of a key (revocation) and only those', () => {
    const cache = new VerifiedKeyCache(5000, clock);
    cache.set('fp1', principal('k1'));
    cache.set('fp2', principal('k2'));
    cache.evictKey('k1');
    expect(cache.get('fp1')).toBeUndefined();
    expect(cache.get('fp2')).toEqual(principal('k2'));
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new VerifiedKeyCache(0, clock);
    cache.set('fp1', principal('k1'));
    expect(cache.get('fp1')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new VerifiedKeyCache(5000, clock, 2);
    cache.set('fp1', principal('k1'));
    cache.set('fp2', principal('k2'));
    cache.set('fp3', principal('k3'));
    expect(cache.size).toBe(2);
    expect(cache.get('fp1')).toBeUndefined();
    expect(cache.get('fp3')).toEqual(principal('k3'));
  });
});
