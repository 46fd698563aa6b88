import { Decimal } from '../../common/decimal';
import type { AlertSeverity } from '../alert-raise.port';
import { severityForLevel } from './alert-severity';

/**
 * The trading rules evaluated on each fill (pure). Amounts are account currency (USD), from the
 * ledger's decimals (src/trading/ledger/position.ledger.ts: realized P&L net of commissions).
 */
export interface TradeRuleThresholds {
  /** Ascending: a loss at least [0] is a warning, at least [1] critical. */
  readonly singleLossUsd: readonly number[];
  /** Ascending: this many losing closing fills in a row: warning, critical. */
  readonly consecutiveLosses: readonly number[];
  /** 0: off. */
  readonly pnlSwingUsd: number;
}

export interface FillFacts {
  /** Signed position before the fill. */
  readonly quantityBefore: Decimal;
  /** The position's mark before the fill (its last fill price), null for a new position. */
  readonly markBefore: Decimal | null;
  readonly price: Decimal;
  /** What the fill realized (ledger FillEffect.realized: commission included). */
  readonly realized: Decimal;
  /** The fill reduced or closed a position (opening fills realize only their commission). */
  readonly closing: boolean;
}

export interface RuleHit {
  readonly rule: 'single_loss' | 'consecutive_losses' | 'pnl_swing';
  readonly severity: AlertSeverity;
  /** The measured value: loss (positive USD), streak length, or signed unrealized change. */
  readonly value: string;
}

/** Single loss: a closing fill that realized a loss of at least the first threshold. */
export function singleLoss(f: FillFacts, t: TradeRuleThresholds): RuleHit | null {
  if (!f.closing || !f.realized.isNegative()) return null;
  const loss = f.realized.neg();
  const severity = severityForLevel(loss.toNumber(), t.singleLossUsd);
  return severity ? { rule: 'single_loss', severity, value: loss.toFixed(2) } : null;
}

/**
 * The loss streak after a fill: a losing closing fill adds one, a winning (or flat) closing fill
 * resets to 0, an opening fill leaves it. It fires when the streak reaches a threshold exactly,
 * so a streak of 7 raises once at 5 and not again until 10.
 */
export function lossStreak(previous: number, f: FillFacts, t: TradeRuleThresholds): { readonly losses: number; readonly hit: RuleHit | null } {
  if (!f.closing) return { losses: previous, hit: null };
  if (!f.realized.isNegative()) return { losses: 0, hit: null };
  const losses = previous + 1;
  const i = t.consecutiveLosses.indexOf(losses);
  if (i < 0) return { losses, hit: null };
  const severity: AlertSeverity = i === t.consecutiveLosses.length - 1 ? 'critical' : 'warning';
  return { losses, hit: { rule: 'consecutive_losses', severity, value: String(losses) } };
}

/**
 * Large swing of a position's P&L: the change of its unrealized P&L q·(m − c) between the last
 * mark and this fill's price, q·(p − m_before) for the quantity held before (the average cost
 * cancels), checked on every fill. The window is the time since the previous mark.
 */
export function pnlSwing(f: FillFacts, t: TradeRuleThresholds): RuleHit | null {
  if (t.pnlSwingUsd <= 0 || f.markBefore === null || f.quantityBefore.isZero()) return null;
  const change = f.quantityBefore.times(f.price.minus(f.markBefore));
  if (change.abs().lt(new Decimal(t.pnlSwingUsd))) return null;
  return { rule: 'pnl_swing', severity: 'warning', value: change.toFixed(2) };
}
