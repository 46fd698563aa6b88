import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import type { AppliedFill, FillObserver } from '../trading/orders/fill-observer.port';
import { ALERT_RAISER, type AlertRaiser, type RaisedAlert } from './alert-raise.port';
import { ALERT_RULES } from './alert.types';
import { lossStreak, pnlSwing, singleLoss, type FillFacts, type RuleHit, type TradeRuleThresholds } from './core';
import { AlertsRepository } from './alerts.repository';

/**
 * The trading rules, on every fill the OMS applies, inside its transaction (FILL_OBSERVER):
 * single loss (ALERTS_SINGLE_LOSS_USD), consecutive losses (ALERTS_CONSECUTIVE_LOSSES, the
 * streak kept per account in `alert_loss_streaks` under its row lock) and large swings of a
 * position's P&L (ALERTS_PNL_SWING_USD). Their alerts are outbox rows of the fill's transaction.
 */
@Injectable()
export class TradeAlertsObserver implements FillObserver {
  private readonly thresholds: TradeRuleThresholds;

  constructor(
    @Inject(ALERT_RAISER) private readonly raiser: AlertRaiser,
    private readonly repo: AlertsRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.thresholds = { singleLossUsd: config.alertsSingleLossUsd, consecutiveLosses: config.alertsConsecutiveLosses, pnlSwingUsd: config.alertsPnlSwingUsd };
  }

  async onFillApplied(tx: EntityManager, fill: AppliedFill): Promise<void> {
    const facts: FillFacts = {
      quantityBefore: fill.quantityBefore,
      markBefore: fill.markBefore,
      price: fill.price,
      realized: fill.realized,
      // Reducing: the fill's side is against the position held before it.
      closing: !fill.quantityBefore.isZero() && fill.quantityBefore.isNegative() === (fill.side === 'buy'),
    };
    const hits: RuleHit[] = [];
    const loss = singleLoss(facts, this.thresholds);
    if (loss) hits.push(loss);
    if (facts.closing) {
      const previous = await this.repo.lossStreakLocked(tx, fill.accountId);
      const streak = lossStreak(previous, facts, this.thresholds);
      if (streak.losses !== previous) await this.repo.saveLossStreak(tx, fill.accountId, streak.losses);
      if (streak.hit) hits.push(streak.hit);
    }
    const swing = pnlSwing(facts, this.thresholds);
    if (swing) hits.push(swing);
    for (const hit of hits) await this.raiser.raise(alertFor(hit, fill), tx);
  }
}

function alertFor(hit: RuleHit, f: AppliedFill): RaisedAlert {
  const data = { symbol: f.symbol, fillId: f.fillId, side: f.side, quantity: f.quantity.toFixed(), price: f.price.toFixed(), realized: f.realized.toFixed(2), value: hit.value };
  switch (hit.rule) {
    case 'single_loss':
      return {
        rule: ALERT_RULES.singleLoss,
        severity: hit.severity,
        title: `Loss of $${hit.value} on ${f.symbol}`,
        body: `Fill ${f.fillId} (${f.side} ${f.quantity.toFixed()} ${f.symbol} @ ${f.price.toFixed()}) realized ${f.realized.toFixed(2)} (net of commission).`,
        accountId: f.accountId,
        // Each losing fill is its own event: deduplicated only against itself.
        dedupeKey: `fill:${f.fillId}`,
        data,
      };
    case 'consecutive_losses':
      return {
        rule: ALERT_RULES.consecutiveLosses,
        severity: hit.severity,
        title: `${hit.value} losing trades in a row`,
        body: `The last ${hit.value} closing fills of the account all realized a loss; the latest: ${f.side} ${f.quantity.toFixed()} ${f.symbol} @ ${f.price.toFixed()} (${f.realized.toFixed(2)}).`,
        accountId: f.accountId,
        dedupeKey: `streak:${hit.value}:fill:${f.fillId}`,
        data,
      };
    case 'pnl_swing':
      return {
        rule: ALERT_RULES.pnlSwing,
        severity: hit.severity,
        title: `${f.symbol} position P&L moved ${hit.value.startsWith('-') ? '' : '+'}${hit.value}`,
        body: `The unrealized P&L of ${f.quantityBefore.toFixed()} ${f.symbol} moved by ${hit.value} between its last mark ${f.markBefore?.toFixed() ?? '-'} and ${f.price.toFixed()}.`,
        accountId: f.accountId,
        dedupeKey: `swing:${f.symbol}`,
        data,
      };
  }
}
