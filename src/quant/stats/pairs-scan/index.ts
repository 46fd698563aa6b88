/** The pure universe scan for cointegrated pairs. */
export { scanPairs, testPairRange, combinePairTests, pairCount, adjustPValues, johansenApproxPValue, PAIRS_SCAN_METHODS, PAIRS_CORRECTIONS, type PairsScanMethod, type PairsCorrection, type PairsCorrelationOf, type PairsScanOptions, type PairsScanRow, type PairsScanResult, type PairTest } from './pairs.scan';
