/**
 * A seeded pseudorandom generator for the Monte Carlo validation (and anything else that needs
 * reproducible randomness): xoshiro128** 1.1 of D. Blackman and S. Vigna, "Scrambled linear
 * pseudorandom number generators", ACM Transactions on Mathematical Software 47(4) 36 (2021),
 * reference code https://prng.di.unimi.it/xoshiro128starstar.c. 128 bits of state, period
 * 2^128 - 1, passes BigCrush; every step is 32-bit integer arithmetic (`Math.imul`, shifts,
 * xor), so it runs at full speed in V8 without BigInt.
 *
 * Seeding, as the authors recommend: the 64-bit seed goes through SplitMix64 (G. Steele, D. Lea,
 * C. Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; Vigna's
 * splitmix64.c), whose first two outputs z0, z1 fill the state as
 * s = [low32(z0), high32(z0), low32(z1), high32(z1)]. SplitMix64's output function is a
 * bijection, so the state is never all zero. BigInt is used there only, once per generator.
 *
 * The same seed gives the same stream on every machine: the first outputs are checked against
 * an independent Python implementation of both algorithms (scripts/reference/robustness-reference.py).
 */
import { normalQuantile } from './normal.distribution';
import { RandomParamError } from './random-param.error';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const MASK_64 = (1n << 64n) - 1n;

/** The draws the resampling code needs; Xoshiro128 is the implementation. */
export interface RandomGenerator {
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits (two 32-bit outputs). */
  nextDouble(): number;
  /** A uniform integer in [0, n), n an integer in [1, 2^32], without modulo bias (Lemire 2019). */
  nextInt(n: number): number;
}

/** SplitMix64 step: returns [next state, output] (64-bit unsigned, as BigInt). */
function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return [next, z ^ (z >> 31n)];
}

export class Xoshiro128 implements RandomGenerator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /**
   * A generator seeded through SplitMix64 (see the file header). `seed` is an integer in
   * [0, 2^64): a non-negative safe integer (Number) or a BigInt; anything else throws
   * RandomParamError('seed').
   */
  static fromSeed(seed: number | bigint): Xoshiro128 {
    let x: bigint;
    if (typeof seed === 'bigint') {
      if (seed < 0n || seed > MASK_64) throw new RandomParamError('seed', `seed must be an integer in [0, 2^64), got ${seed}`);
      x = seed;
    } else {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RandomParamError('seed', `seed must be a non-negative safe integer or a BigInt, got ${seed}`);
      x = BigInt(seed);
    }
    const [x1, z0] = splitmix64(x);
    const [, z1] = splitmix64(x1);
    return new Xoshiro128(Number(z0 & 0xffffffffn), Number(z0 >> 32n), Number(z1 & 0xffffffffn), Number(z1 >> 32n));
  }

  /**
   * A generator with this exact state (four 32-bit words, as the reference C code's s[0..3]),
   * e.g. to reproduce published test vectors or resume a stream saved with `state()`. The state
   * must not be all zero (the one state xoshiro never leaves).
   */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_32)) {
      throw new RandomParamError('state', `state must be four integers in [0, 2^32), got [${state.join(', ')}]`);
    }
    if (state.every((w) => w === 0)) throw new RandomParamError('state', 'state must not be all zero');
    return new Xoshiro128(state[0], state[1], state[2], state[3]);
  }

  /** The current state as unsigned 32-bit words (s[0..3]). */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** xoshiro128**: result = rotl(s1 · 5, 7) · 9, then the xorshift/rotate state update. */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /**
   * Uniform in [0, 1) on the grid k / 2^53: the top 27 bits of one output and the top 26 of the
   * next (the `genrand_res53` construction of Matsumoto and Nishimura's MT19937 reference code).
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_53;
  }

  /** Uniform in [0, 1) on the grid k / 2^32 (one output; faster, coarser than nextDouble). */
  nextDouble32(): number {
    return this.nextUint32() / TWO_32;
  }

  /**
   * Uniform integer in [0, n) without modulo bias: D. Lemire, "Fast random integer generation in
   * an interval", ACM TOMS 29(1) 3 (2019). m = x · n as a 64-bit product; its high word is the
   * draw, and the low word is compared with (2^32 - n) mod n (computed only when the low word
   * is below n, i.e. rarely) to reject the 2^32 mod n values that would bias it. The 64-bit
   * product is formed from two exact 48-bit partial products, so no BigInt is needed.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RandomParamError('n', `n must be an integer in [1, 2^32], got ${n}`);
    return this.nextIntUnchecked(n);
  }

  /** nextInt without the check of n, for inner loops whose n is known to be valid. */
  nextIntUnchecked(n: number): number {
    let x = this.nextUint32();
    let low = Math.imul(x, n) >>> 0;
    if (low < n) {
      const threshold = (TWO_32 - n) % n;
      while (low < threshold) {
        x = this.nextUint32();
        low = Math.imul(x, n) >>> 0;
      }
    }
    // high32(x · n) = floor((xh·n + floor(xl·n / 2^16)) / 2^16), each partial product < 2^48.
    return Math.floor(((x >>> 16) * n + Math.floor(((x & 0xffff) * n) / 65536)) / 65536);
  }

  /**
   * A geometric draw on {1, 2, ...} with success probability p in (0, 1] (mean 1/p): the
   * number of trials up to and including the first success, by inversion,
   * 1 + floor(ln U / ln(1 - p)) with U uniform in (0, 1] (Devroye, "Non-Uniform Random Variate
   * Generation", 1986, X.2). One uniform per draw, whatever the mean.
   */
  nextGeometric(p: number): number {
    if (!(p > 0 && p <= 1)) throw new RandomParamError('p', `p must be in (0, 1], got ${p}`);
    if (p === 1) return 1;
    return geometricFromUniform(1 - this.nextDouble(), Math.log1p(-p));
  }

  /** A standard normal draw by inversion, Φ⁻¹(U) with U uniform in (0, 1) (one 53-bit uniform). */
  nextNormal(): number {
    let u = this.nextDouble();
    while (u === 0) u = this.nextDouble(); // Φ⁻¹(0) = -Infinity: redraw (probability 2^-53)
    return normalQuantile(u);
  }
}

/**
 * 1 + floor(ln u / logQ) for u in (0, 1] and logQ = ln(1 - p) < 0: the inversion of the
 * geometric distribution, shared with inner loops that precompute logQ once.
 */
export function geometricFromUniform(u: number, logQ: number): number {
  const k = 1 + Math.floor(Math.log(u) / logQ);
  // ln u / logQ can exceed 2^53 for p tiny; callers clamp to their own maximum anyway.
  return k > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : k;
}

/**
 * Fisher–Yates shuffle in place (Durstenfeld's version, Knuth TAOCP vol. 2, Algorithm P): for
 * i from n-1 down to 1 swap a[i] with a[j], j uniform in [0, i] (Lemire draws, so every one of
 * the n! orders is equally likely up to the generator's quality).
 */
export function shuffleInPlace(rng: Xoshiro128, a: Float64Array | Int32Array | Uint32Array): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextIntUnchecked(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
