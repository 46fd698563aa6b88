import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API key material: generation, parsing, and the scrypt hash that is all the database keeps.
 *
 * A key reads `qd_<publicId>_<secret>`. The public id is stored in clear (`api_keys.key_prefix`)
 * so that a presented key is found with one indexed lookup instead of hashing against every
 * row; the secret only ever exists in the creator's hands and as a salted scrypt hash.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PUBLIC_ID_LENGTH = 10;
/** 43 base62 characters carry 256 bits (43 x log2(62) = 256.03). */
export const KEY_SECRET_LENGTH = 43;
const KEY_PATTERN = new RegExp(`^qd_([0-9A-Za-z]{${KEY_PUBLIC_ID_LENGTH}})_([0-9A-Za-z]{${KEY_SECRET_LENGTH}})$`);

/**
 * Uniform base62 string from the CSPRNG. Bytes >= 248 are rejected (248 = 4 x 62) so every
 * character is equally likely; a plain `byte % 62` would favour the first 8 characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface GeneratedKey {
  /** The whole key, shown once to its creator and never stored. */
  readonly key: string;
  readonly publicId: string;
  readonly secret: string;
}

export function generateApiKey(): GeneratedKey {
  const publicId = randomBase62(KEY_PUBLIC_ID_LENGTH);
  const secret = randomBase62(KEY_SECRET_LENGTH);
  return { key: `qd_${publicId}_${secret}`, publicId, secret };
}

/** Splits a presented key; null when it is not of our format (no database work for those). */
export function parseApiKey(key: string): { publicId: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { publicId: m[1], secret: m[2] } : null;
}

/**
 * scrypt cost. N=2^14, r=8, p=1 are the parameters RFC 7914 section 2 and OWASP give for
 * interactive logins (about 16 MiB and tens of milliseconds per hash). They are written into
 * every stored hash, so raising them later leaves existing keys verifiable.
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, options, (err, derived) => (err ? reject(err) : resolve(derived)));
  });
}

/** Room for the parameters we accept: 128 * N * r bytes, plus slack. */
function maxmem({ N, r }: ScryptParams): number {
  return 128 * N * r * 2;
}

/** `scrypt$N$r$p$saltB64$hashB64` of the secret, with a fresh 16-byte salt. */
export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(secret, salt, HASH_BYTES, { ...params, maxmem: maxmem(params) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

const STORED_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Whether `secret` matches a stored hash, compared in constant time. A malformed stored value,
 * or parameters outside sane bounds (a tampered row must not make us allocate gigabytes),
 * verifies as false rather than throwing.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const m = STORED_PATTERN.exec(stored);
  if (!m) return false;
  const params: ScryptParams = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const powerOfTwo = params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (!powerOfTwo || params.N > 2 ** 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return false;
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await scryptAsync(secret, salt, expected.length, { ...params, maxmem: maxmem(params) });
  return timingSafeEqual(actual, expected);
}

/**
 * The cache's name for a presented key: SHA-256 of the whole key, so the cache never holds the
 * key itself and a hit requires the exact same secret.
 */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
