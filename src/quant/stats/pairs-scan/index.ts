/** The pure universe scan for cointegrated pairs. */
export { scanPairs, adjustPValues, johansenApproxPValue, PAIRS_SCAN_METHODS, PAIRS_CORRECTIONS, type PairsScanMethod, type PairsCorrection, type PairsCorrelationOf, type PairsScanOptions, type PairsScanRow, type PairsScanResult } from './pairs.scan';
