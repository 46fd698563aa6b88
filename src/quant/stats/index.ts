export { ols, COLLINEAR_PIVOT, type OlsOptions, type OlsResult } from './ols.regression';
export { tls, type TlsResult } from './tls.regression';
export { adfTest, defaultMaxLag, ADF_AUTOLAGS, ADF_REGRESSIONS, T_STAT_STOP, type AdfAutolag, type AdfOptions, type AdfResult } from './adf.statistic';
export { mackinnonP, mackinnonCrit, type AdfRegression, type CriticalValues, type MacKinnonN } from './mackinnon.tables';
export { engleGranger, type EngleGrangerOptions, type EngleGrangerResult } from './engle-granger.statistic';
export { halfLife, type HalfLifeResult } from './half-life.statistic';
export { StatsInputError, type StatsInputProblem } from './stats-input.error';
export { rollingOls, rollingTls, kalmanHedgeRatio, KALMAN_DEFAULT_DELTA, KALMAN_DEFAULT_VE, type RollingHedgeRatio, type KalmanHedgeOptions, type KalmanHedgeResult } from './hedge-ratio';
export { hurstExponent, type HurstResult } from './hurst.statistic';
