/** Hedge ratios of a pair beyond the full-sample OLS and TLS: rolling windows and the Kalman filter. */
export { rollingOls, rollingTls, ROLLING_RESYNC, type RollingHedgeRatio } from './rolling-ols.regression';
export { kalmanHedgeRatio, KALMAN_DEFAULT_DELTA, KALMAN_DEFAULT_VE, type KalmanHedgeOptions, type KalmanHedgeResult } from './kalman-hedge.filter';
