import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import type { AlertRaiser, RaisedAlert } from './alert-raise.port';
import { SEVERITIES, decideDelivery, windowsFor, type WindowDefaults } from './core';
import { AlertOutboxDispatcher } from './alert-outbox.dispatcher';
import { AlertsRepository } from './alerts.repository';

/**
 * The one AlertRaiser (bound to ALERT_RAISER). In the caller's transaction (or one of its own):
 *  1. an advisory lock on (rule, account, dedupe key), so concurrent raises of one alert are
 *     serialized until their transactions end;
 *  2. an alert with the same rule, key and account within the rule's dedupe window takes this
 *     one in (occurrences + 1) and `raise` returns null;
 *  3. otherwise the alert row, and one delivery per subscription matching the account (every
 *     account's for a firm-wide alert) and severity: `pending`, or `suppressed` (deduplicated or
 *     throttled for that recipient, the reason recorded).
 * The pending deliveries are handed to the outbox dispatcher once the transaction has COMMITTED
 * (a TypeORM transaction subscriber on the caller's query runner); a rollback drops them with the
 * rows. Whatever Redis does then, the rows stay pending until a job has sent them (the sweep).
 */
@Injectable()
export class AlertRaiserService implements AlertRaiser, OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('Alerts');
  /** Pending delivery ids per open transaction, handed to the dispatcher at its commit. */
  private readonly afterCommit = new WeakMap<QueryRunner, string[]>();
  private readonly windows: WindowDefaults;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AlertsRepository,
    private readonly dispatcher: AlertOutboxDispatcher,
    @InjectConfig() config: AppConfig,
  ) {
    this.windows = { dedupeMs: config.alertsDedupeWindowMs, throttleMs: config.alertsThrottleWindowMs, throttleMax: config.alertsThrottleMax, perRule: config.alertsRuleWindows };
  }

  onModuleInit(): void {
    this.db.subscribers.push(this);
  }

  async raise(alert: RaisedAlert, tx?: EntityManager): Promise<string | null> {
    assertAlert(alert);
    if (!tx) {
      const out = await this.repo.inTransaction((own) => this.write(alert, own));
      this.dispatcher.dispatch(out.pending);
      return out.alertId;
    }
    const out = await this.write(alert, tx);
    const runner = tx.queryRunner;
    if (runner?.isTransactionActive) {
      const list = this.afterCommit.get(runner) ?? [];
      list.push(...out.pending);
      this.afterCommit.set(runner, list);
    } else {
      this.dispatcher.dispatch(out.pending);
    }
    return out.alertId;
  }

  /** TypeORM: a transaction committed; only the outermost commit makes the rows visible. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return;
    const ids = this.afterCommit.get(runner);
    if (!ids) return;
    this.afterCommit.delete(runner);
    this.dispatcher.dispatch(ids);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.afterCommit.delete(event.queryRunner);
  }

  private async write(alert: RaisedAlert, tx: EntityManager): Promise<{ alertId: string | null; pending: string[] }> {
    const dedupeKey = alert.dedupeKey ?? alert.title;
    const w = windowsFor(alert.rule, this.windows);
    const now = Date.now();
    await this.repo.lockDedupeKey(tx, alert.rule, dedupeKey, alert.accountId);
    if (w.dedupeMs > 0) {
      const folded = await this.repo.foldIntoRecent(tx, alert.rule, dedupeKey, alert.accountId, new Date(now - w.dedupeMs));
      if (folded) {
        this.logger.debug(`Alert ${alert.rule}/${dedupeKey} folded into ${folded}`);
        return { alertId: null, pending: [] };
      }
    }
    const alertId = await this.repo.insertAlert(tx, alert, dedupeKey);
    // The risk stream's record of each alert (folded repeats are debug above); written in the
    // transaction, so a rollback can leave a record of an alert that was not kept.
    this.logger.log({ message: `Alert ${alert.rule} (${alert.severity}): ${alert.title}`, alertId, rule: alert.rule, severity: alert.severity, accountId: alert.accountId, dedupeKey });
    const pending: string[] = [];
    for (const sub of await this.repo.matchingSubscriptions(tx, alert.accountId, alert.severity)) {
      const history = await this.repo.recipientHistory(tx, sub.id, alert.rule, dedupeKey, new Date(now - w.dedupeMs), new Date(now - w.throttleMs));
      const decision = decideDelivery(w, history);
      const id = await this.repo.insertDelivery(tx, {
        alertId,
        subscription: sub,
        rule: alert.rule,
        dedupeKey,
        status: decision.send ? 'pending' : 'suppressed',
        note: decision.send ? null : decision.reason,
      });
      if (decision.send) pending.push(id);
    }
    return { alertId, pending };
  }
}

/** The port's contract, checked here so that a bad raise fails its caller's transaction loudly. */
function assertAlert(a: RaisedAlert): void {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(a.rule)) throw new Error(`alert rule must be a lower-case word, got "${a.rule}"`);
  if (!SEVERITIES.includes(a.severity)) throw new Error(`alert severity must be one of ${SEVERITIES.join(', ')}, got "${String(a.severity)}"`);
  if (!a.title.trim()) throw new Error('alert title must not be empty');
}
