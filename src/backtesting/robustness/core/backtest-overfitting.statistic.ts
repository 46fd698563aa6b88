/**
 * The probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation
 * (CSCV): D. H. Bailey, J. M. Borwein, M. López de Prado and Q. J. Zhu, "The probability of
 * backtest overfitting", Journal of Computational Finance 20(4) (2017) 39-69.
 *
 * Input: the per-period returns of N configurations (an optimization's parameter sets) over the
 * same T periods. The rows are split into S blocks (S even); for each of the C(S, S/2)
 * combinations of S/2 blocks (12,870 for S = 16), those blocks are the in-sample (IS) set and
 * the other S/2 the out-of-sample (OOS) set. The configuration n* with the best IS Sharpe is
 * "chosen"; its OOS Sharpe is ranked among the N OOS Sharpes, rank 1 the worst and N the best
 * (ties share their average rank, scipy.stats.rankdata's 'average'), and the paper's relative
 * rank ω̄ = rank / (N + 1) ∈ (0, 1) gives the logit λ = ln(ω̄ / (1 - ω̄)). λ > 0 means the IS
 * winner beat the OOS median; PBO = the share of combinations with λ <= 0 (the paper's
 * φ = Σ χ(λ_c <= 0) / #C; a winner exactly at the median counts as overfit).
 *
 * Also returned: the λ distribution, the performance degradation pairs (IS Sharpe, OOS Sharpe)
 * of the chosen configuration with their least-squares line OOS = intercept + slope · IS (the
 * paper's Figure 4 regression; a negative slope is the signature of overfitting), and the
 * probability of loss OOS, the share of combinations where the chosen configuration's OOS
 * Sharpe is below 0 (i.e. it lost money OOS).
 *
 * Conventions
 * - Objective: the per-period Sharpe mean / std (ddof = 1), risk-free 0; annualizing would
 *   not change a rank. A half on which a configuration is constant (a strategy flat for all of
 *   it) has Sharpe +∞, -∞ or 0 for a positive, negative or zero value, so it ranks rather than
 *   poisoning the comparison with NaN.
 * - Blocks: numpy.array_split's, S blocks of consecutive rows, the first T mod S one row
 *   longer; each block needs at least 2 rows (T >= 2S).
 * - Combinations in lexicographic order of the IS block indices (itertools.combinations), so
 *   combination c of the outputs is the c-th of that order.
 * - n*: the first configuration with the highest IS Sharpe.
 * - Values must be finite (no NaN: the N series must cover the same periods; trim warm-ups).
 *
 * Cost: each block's count, mean and sum of squared deviations are computed once per
 * configuration (O(T·N)); a half's mean and variance are then merged from its S/2 blocks
 * (Chan, Golub & LeVeque, "Updating formulae and a pairwise algorithm for computing sample
 * variances", 1979: M2 = Σ M2_b + Σ n_b (mean_b - mean)²), so each combination costs
 * O(N·S), not O(N·T), and the merge stays as accurate as a two-pass variance.
 */
import { RobustnessInputError, checkInteger } from './robustness-input.error';

export const DEFAULT_CSCV_BLOCKS = 16;
/** C(24, 12) = 2,704,156 combinations: beyond it the enumeration is no longer an interactive computation. */
export const MAX_CSCV_BLOCKS = 24;

/** N configurations' returns in one column-major array: column j is values[j·rows .. (j+1)·rows). */
export interface ReturnsMatrix {
  readonly values: Float64Array;
  readonly rows: number;
  readonly configurations: number;
}

export interface BacktestOverfittingOptions {
  /** S, an even number of blocks in [2, 24]; default 16. */
  readonly blocks?: number;
  /** Called with (combinations done, combinations in all) every 1,024 combinations and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestOverfittingResult {
  readonly rows: number;
  readonly configurations: number;
  readonly blocks: number;
  /** Rows in each block. */
  readonly blockRows: Int32Array;
  /** C(S, S/2). */
  readonly combinations: number;
  /** Share of combinations with λ <= 0. */
  readonly pbo: number;
  /** λ_c = ln(ω̄_c / (1 - ω̄_c)) per combination. */
  readonly logits: Float64Array;
  /** ω̄_c = OOS rank of the chosen configuration / (N + 1) per combination. */
  readonly relativeRanks: Float64Array;
  /** n*_c, the configuration chosen in sample, per combination. */
  readonly chosen: Int32Array;
  /** IS Sharpe (per period) of the chosen configuration, per combination. */
  readonly inSampleSharpe: Float64Array;
  /** OOS Sharpe (per period) of the chosen configuration, per combination. */
  readonly outOfSampleSharpe: Float64Array;
  /** Share of combinations whose chosen configuration has an OOS Sharpe below 0. */
  readonly probabilityOfLossOos: number;
  /** Least-squares line through the (IS, OOS) pairs: OOS ≈ intercept + slope · IS. */
  readonly degradation: { readonly slope: number; readonly intercept: number };
}

/** C(n, k) for the small n here (exact in doubles). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

function asColumns(input: readonly Float64Array[] | ReturnsMatrix): { columns: Float64Array[]; rows: number } {
  if (Array.isArray(input)) {
    const cols = input as readonly Float64Array[];
    const rows = cols.length > 0 ? cols[0].length : 0;
    cols.forEach((c, j) => {
      if (c.length !== rows) throw new RobustnessInputError(`columns[${j}]`, 'LENGTH_MISMATCH', `columns[${j}] has ${c.length} rows, columns[0] has ${rows}`);
    });
    return { columns: cols.slice(), rows };
  }
  const m = input as ReturnsMatrix;
  checkInteger('rows', m.rows, 0);
  checkInteger('configurations', m.configurations, 0);
  if (m.values.length !== m.rows * m.configurations) {
    throw new RobustnessInputError('values', 'LENGTH_MISMATCH', `values has ${m.values.length} entries, rows × configurations is ${m.rows * m.configurations}`);
  }
  return { columns: Array.from({ length: m.configurations }, (_, j) => m.values.subarray(j * m.rows, (j + 1) * m.rows)), rows: m.rows };
}

/** Sharpe of a half from its merged mean and M2; the constant-half convention of the file header. */
function halfSharpe(mean: number, m2: number, n: number, constant: boolean): number {
  if (constant) return mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  return mean / Math.sqrt(m2 / (n - 1));
}

/**
 * PBO by CSCV (see the file header). `returns`: N columns (Float64Array each, same length T) or
 * a column-major ReturnsMatrix. Throws RobustnessInputError for fewer than 2 configurations,
 * an odd or out-of-range S, T < 2S, columns of different lengths or a non-finite value.
 */
export function probabilityOfBacktestOverfitting(returns: readonly Float64Array[] | ReturnsMatrix, options: BacktestOverfittingOptions = {}): BacktestOverfittingResult {
  const { columns, rows: t } = asColumns(returns);
  const nConf = columns.length;
  const s = options.blocks ?? DEFAULT_CSCV_BLOCKS;
  checkInteger('blocks', s, 2, MAX_CSCV_BLOCKS);
  if (s % 2 !== 0) throw new RobustnessInputError('blocks', 'BAD_PARAMETER', `blocks must be even, got ${s}`);
  if (nConf < 2) throw new RobustnessInputError('returns', 'TOO_FEW_VALUES', `need at least 2 configurations to rank, got ${nConf}`);
  if (t < 2 * s) throw new RobustnessInputError('returns', 'TOO_FEW_VALUES', `need at least 2 rows per block: ${s} blocks need ${2 * s} rows, got ${t}`);

  // Blocks as numpy.array_split: the first t mod s blocks have one row more.
  const blockRows = new Int32Array(s);
  const blockStart = new Int32Array(s + 1);
  const base = Math.floor(t / s);
  for (let b = 0; b < s; b++) {
    blockRows[b] = base + (b < t % s ? 1 : 0);
    blockStart[b + 1] = blockStart[b] + blockRows[b];
  }

  // Per configuration and block: mean, M2 and the constant value (NaN when not constant).
  const bMean = new Float64Array(nConf * s);
  const bM2 = new Float64Array(nConf * s);
  const bConst = new Float64Array(nConf * s);
  for (let j = 0; j < nConf; j++) {
    const col = columns[j];
    for (let b = 0; b < s; b++) {
      const from = blockStart[b];
      const to = blockStart[b + 1];
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = from; i < to; i++) {
        const v = col[i];
        if (!Number.isFinite(v)) throw new RobustnessInputError(`columns[${j}]`, 'NON_FINITE_VALUE', `columns[${j}][${i}] is ${v}: CSCV needs finite returns over the same rows`, i);
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const mean = sum / (to - from);
      let m2 = 0;
      if (min !== max) for (let i = from; i < to; i++) m2 += (col[i] - mean) ** 2;
      const k = j * s + b;
      bMean[k] = min === max ? min : mean;
      bM2[k] = m2;
      bConst[k] = min === max ? min : NaN;
    }
  }

  const half = s / 2;
  const total = binomial(s, half);
  const logits = new Float64Array(total);
  const relativeRanks = new Float64Array(total);
  const chosen = new Int32Array(total);
  const isSharpe = new Float64Array(total);
  const oosSharpe = new Float64Array(total);
  const oosAll = new Float64Array(nConf);
  const combo = Int32Array.from({ length: half }, (_, i) => i); // IS blocks, ascending
  const rest = new Int32Array(half); // OOS blocks
  const inSample = new Uint8Array(s);

  const sharpeOf = (j: number, set: Int32Array): number => {
    const off = j * s;
    let n = 0;
    let sum = 0;
    const c0 = bConst[off + set[0]];
    let constant = c0 === c0;
    for (let q = 0; q < half; q++) {
      const b = set[q];
      const nb = blockRows[b];
      n += nb;
      sum += nb * bMean[off + b];
      if (constant && bConst[off + b] !== c0) constant = false;
    }
    if (constant) return halfSharpe(c0, 0, n, true);
    const mean = sum / n;
    let m2 = 0;
    for (let q = 0; q < half; q++) {
      const b = set[q];
      const d = bMean[off + b] - mean;
      m2 += bM2[off + b] + blockRows[b] * d * d;
    }
    return halfSharpe(mean, m2, n, false);
  };

  let losses = 0;
  let overfit = 0;
  for (let c = 0; c < total; c++) {
    inSample.fill(0);
    for (let q = 0; q < half; q++) inSample[combo[q]] = 1;
    for (let b = 0, r = 0; b < s; b++) if (inSample[b] === 0) rest[r++] = b;

    let best = 0;
    let bestIs = -Infinity;
    for (let j = 0; j < nConf; j++) {
      const v = sharpeOf(j, combo);
      if (v > bestIs || j === 0) {
        bestIs = v;
        best = j;
      }
    }
    for (let j = 0; j < nConf; j++) oosAll[j] = sharpeOf(j, rest);
    const mine = oosAll[best];
    let below = 0;
    let ties = 0; // others equal to the chosen one
    for (let j = 0; j < nConf; j++) {
      if (oosAll[j] < mine) below++;
      else if (oosAll[j] === mine && j !== best) ties++;
    }
    const omega = (below + (ties + 2) / 2) / (nConf + 1); // average rank of the tied group, over N + 1
    const lambda = Math.log(omega / (1 - omega));
    logits[c] = lambda;
    relativeRanks[c] = omega;
    chosen[c] = best;
    isSharpe[c] = bestIs;
    oosSharpe[c] = mine;
    if (lambda <= 0) overfit++;
    if (mine < 0) losses++;

    // Next combination in lexicographic order.
    let q = half - 1;
    while (q >= 0 && combo[q] === s - half + q) q--;
    if (q >= 0) {
      combo[q]++;
      for (let r = q + 1; r < half; r++) combo[r] = combo[r - 1] + 1;
    }
    if (options.onProgress !== undefined && ((c + 1) % 1024 === 0 || c + 1 === total)) options.onProgress(c + 1, total);
  }

  return {
    rows: t,
    configurations: nConf,
    blocks: s,
    blockRows,
    combinations: total,
    pbo: overfit / total,
    logits,
    relativeRanks,
    chosen,
    inSampleSharpe: isSharpe,
    outOfSampleSharpe: oosSharpe,
    probabilityOfLossOos: losses / total,
    degradation: leastSquares(isSharpe, oosSharpe),
  };
}

/** Ordinary least squares y = intercept + slope · x (two-pass: means first). */
function leastSquares(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    sxy += dx * (y[i] - my);
    sxx += dx * dx;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
