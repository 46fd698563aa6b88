/**
 * Seeded randomness and the normal distribution (pure: no framework, no I/O). Same seed, same
 * stream, on every machine: the resampling of src/backtesting/robustness is reproducible.
 */
export { Xoshiro128, shuffleInPlace, geometricFromUniform, type RandomGenerator } from './xoshiro128.prng';
export { normalCdf, normalQuantile } from './normal.distribution';
export { RandomParamError } from './random-param.error';
