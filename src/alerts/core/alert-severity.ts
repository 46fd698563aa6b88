import type { AlertSeverity } from '../alert-raise.port';

/** Severities in rising order: a subscription with minSeverity s gets every alert at s or above. */
export const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

export function severityAtLeast(severity: AlertSeverity, min: AlertSeverity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(min);
}

/**
 * The severity of a measured value against ascending thresholds, the highest severities last:
 * with thresholds [a, b] (two levels) the answer is warning from a and critical from b; with
 * [a, b, c] info, warning, critical. Null below the first threshold.
 */
export function severityForLevel(value: number, thresholds: readonly number[]): AlertSeverity | null {
  const levels = SEVERITIES.slice(SEVERITIES.length - thresholds.length);
  let out: AlertSeverity | null = null;
  thresholds.forEach((t, i) => {
    if (value >= t) out = levels[i];
  });
  return out;
}

/**
 * The drawdown rule's severity (the risk module raises `drawdown` through ALERT_RAISER):
 * drawdown = 1 − equity / running peak, in percent, against ALERTS_DRAWDOWN_PCT (default 10, 15,
 * 20: info, warning, critical). Null above the first threshold (less than 10% down).
 */
export function drawdownSeverity(drawdownPct: number, thresholdsPct: readonly number[]): AlertSeverity | null {
  return severityForLevel(Math.abs(drawdownPct), thresholdsPct);
}
