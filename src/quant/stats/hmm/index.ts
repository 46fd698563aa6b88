/**
 * Gaussian hidden Markov model of regimes (pure: no framework, no I/O): Baum-Welch with scaling,
 * seeded random starts, exact stationary-start likelihood (statsmodels MarkovRegression with
 * switching variances), smoothed probabilities and the Viterbi path.
 */
export { fitGaussianHmm, type GaussianHmmFit, type GaussianHmmOptions } from './gaussian-hmm.fit';
export { baumWelch, copyParams, type BaumWelchOptions, type BaumWelchResult, type MutableHmmParams } from './baum-welch.fit';
export { HmmWorkspace, forwardPass, backwardPass } from './forward-backward.pass';
export { viterbiPath, type ViterbiPath } from './viterbi.decoder';
export { polishStationaryLikelihood, type PolishOptions, type PolishResult } from './stationary-likelihood.polish';
export { stationaryDistribution, varianceOrder, permuteParams, checkParams, checkObservations, type GaussianHmmParams } from './gaussian-hmm.model';
export { HmmInputError, type HmmInputProblem } from './hmm-input.error';
