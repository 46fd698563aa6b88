import {
  DEFAULT_SCRYPT_PARAMS,
  generateApiKey,
  hashSecret,
  KEY_PUBLIC_ID_LENGTH,
  KEY_SECRET_LENGTH,
  keyFingerprint,
  parseApiKey,
  randomBase62,
  verifySecret,
} from './api-key.crypto';

describe('API key format', () => {
  it('is qd_<10 base62>_<43 base62>, and parses back into its parts', () => {
    const k = generateApiKey();
    expect(k.key).toMatch(/^qd_[0-9A-Za-z]{10}_[0-9A-Za-z]{43}$/);
    expect(k.publicId).toHaveLength(KEY_PUBLIC_ID_LENGTH);
    expect(k.secret).toHaveLength(KEY_SECRET_LENGTH);
    expect(KEY_SECRET_LENGTH).toBeGreaterThanOrEqual(32);
    expect(parseApiKey(k.key)).toEqual({ publicId: k.publicId, secret: k.secret });
  });

  it('is random: no repeats, and every base62 character turns up', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
    const chars = new Set(randomBase62(20_000));
    expect(chars.size).toBe(62);
  });

  it('draws characters uniformly (no modulo bias toward the first ones)', () => {
    const n = 124_000;
    const counts = new Map<string, number>();
    for (const c of randomBase62(n)) counts.set(c, (counts.get(c) ?? 0) + 1);
    // Expected 2000 each; with `byte % 62` the first 8 characters would get about 2500.
    for (const count of counts.values()) expect(Math.abs(count - 2000)).toBeLessThan(300);
  });

  it.each([
    ['', 'empty'],
    ['Bearer qd_abc', 'not a key'],
    [`qd_${'a'.repeat(9)}_${'b'.repeat(43)}`, 'short public id'],
    [`qd_${'a'.repeat(10)}_${'b'.repeat(42)}`, 'short secret'],
    [`qd_${'a'.repeat(10)}_${'b'.repeat(44)}`, 'long secret'],
    [`xx_${'a'.repeat(10)}_${'b'.repeat(43)}`, 'wrong prefix'],
    [`qd_${'a'.repeat(10)}_${'b'.repeat(42)}-`, 'non-base62 character'],
    [` qd_${'a'.repeat(10)}_${'b'.repeat(43)}`, 'leading blank'],
  ])('rejects %j (%s)', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });
});

describe('secret hashing', () => {
  const secret = generateApiKey().secret;

  it('stores scrypt$N$r$p$salt$hash with a 16-byte salt and never the secret', async () => {
    const stored = await hashSecret(secret);
    const parts = stored.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', String(DEFAULT_SCRYPT_PARAMS.N), String(DEFAULT_SCRYPT_PARAMS.r), String(DEFAULT_SCRYPT_PARAMS.p)]);
    expect(Buffer.from(parts[4], 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5], 'base64')).toHaveLength(32);
    expect(stored).not.toContain(secret);
  });

  it('salts: the same secret hashes differently each time, and both verify', async () => {
    const a = await hashSecret(secret);
    const b = await hashSecret(secret);
    expect(a).not.toBe(b);
    await expect(verifySecret(secret, a)).resolves.toBe(true);
    await expect(verifySecret(secret, b)).resolves.toBe(true);
  });

  it('refuses a wrong secret, even one character off', async () => {
    const stored = await hashSecret(secret);
    const last = secret[secret.length - 1] === 'a' ? 'b' : 'a';
    await expect(verifySecret(secret.slice(0, -1) + last, stored)).resolves.toBe(false);
    await expect(verifySecret('', stored)).resolves.toBe(false);
  });

  it('verifies with the parameters written in the hash (so they can be raised later)', async () => {
    const cheap = await hashSecret(secret, { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifySecret(secret, cheap)).resolves.toBe(true);
  });

  it('treats malformed or tampered stored values as a mismatch, without throwing', async () => {
    const stored = await hashSecret(secret);
    const [, , , , salt, hash] = stored.split('$');
    await expect(verifySecret(secret, 'plain-text')).resolves.toBe(false);
    await expect(verifySecret(secret, `bcrypt$16384$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifySecret(secret, `scrypt$1000$8$1$${salt}$${hash}`)).resolves.toBe(false); // N not a power of two
    await expect(verifySecret(secret, `scrypt$${2 ** 24}$8$1$${salt}$${hash}`)).resolves.toBe(false); // absurd memory
    await expect(verifySecret(secret, `scrypt$16384$8$1$${salt}$${Buffer.alloc(32).toString('base64')}`)).resolves.toBe(false);
  });
});

describe('key fingerprint', () => {
  it('is the SHA-256 hex of the whole key: stable, distinct per key, not containing it', () => {
    const { key } = generateApiKey();
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyFingerprint(key)).toBe(keyFingerprint(key));
    expect(keyFingerprint(key)).not.toBe(keyFingerprint(`${key}x`));
    expect(keyFingerprint(key)).not.toContain(key.slice(14));
  });
});
