import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser, type AlertSeverity } from '../alerts/alert-raise.port';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { METRIC } from '../monitoring/metrics/metric-names';
import { mergeLimits, type EffectiveLimits, type RiskLimits } from './core/risk-limits';
import { modeSeverity, modeSizingMultiplier, stricterMode, type RiskMode } from './core/risk-mode';
import { FIRM_SCOPE, RiskRepository, type RiskScope } from './risk.repository';

/** Who changed something: an admin's API key, or the automatic rules. */
export interface RiskActor {
  readonly kind: 'admin' | 'automatic';
  readonly keyId: string | null;
}

export interface ModeChange {
  readonly scope: RiskScope;
  readonly from: RiskMode;
  readonly to: RiskMode;
  readonly reason: string;
}

const SEVERITY: Record<RiskMode, AlertSeverity> = { NORMAL: 'info', CAUTIOUS: 'warning', DEFENSIVE: 'warning', HALTED: 'critical' };

/**
 * Risk modes and limits: the database is the truth (risk_state, risk_limits, risk_audit), this
 * service holds them in memory so the pre-trade gate reads memory only. A change is written in
 * one transaction with its audit row and its alert (outbox), and the memory is updated once the
 * transaction committed, before the caller is answered: after `PUT /admin/risk/mode` or the
 * kill switch returns, this process's gate already applies the new mode. Other processes hear of
 * it at once through PostgreSQL's LISTEN/NOTIFY (`risk_state_changed`, sent in the change's
 * transaction, so delivered at its commit) and re-read; every RISK_STATE_REFRESH_MS they re-read
 * anyway, and reconnect a listener that was lost.
 */
export const RISK_STATE_CHANNEL = 'risk_state_changed';

@Injectable()
export class RiskStateService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Risk');
  private modes = new Map<RiskScope, RiskMode>();
  private limitsByScope = new Map<RiskScope, RiskLimits>();
  private effective = new Map<string, EffectiveLimits>();
  private timer: NodeJS.Timeout | null = null;
  private listener: Client | null = null;
  private closing = false;
  private connecting = false;
  /** Bumped by every local change, so a refresh that read the tables before it cannot undo it. */
  private version = 0;

  constructor(
    private readonly repo: RiskRepository,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null,
    // Optional: a testing module may build the gate without the metrics module.
    @Optional() @InjectMetric(METRIC.riskMode) private readonly modeGauge: Gauge<string> | null = null,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    await this.listen();
    this.timer = setInterval(() => {
      if (!this.listener) void this.listen();
      void this.refresh().catch((err: Error) => this.logger.warn(`Risk state refresh failed: ${err.message}`));
    }, this.config.riskStateRefreshMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
  }

  /** A connection of its own that LISTENs for changes made by other processes. */
  private async listen(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'quantdesk-risk-listener', connectionTimeoutMillis: 5000 });
    const drop = (err: Error): void => {
      if (this.listener === client) this.listener = null;
      if (!this.closing) this.logger.warn(`Risk state listener lost (${err.message}); re-reading every ${this.config.riskStateRefreshMs} ms until it is back`);
      void client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('notification', () => void this.refresh().catch((err: Error) => this.logger.warn(`Risk state refresh failed: ${err.message}`)));
    try {
      await client.connect();
      await client.query(`LISTEN ${RISK_STATE_CHANNEL}`);
      if (this.closing) await client.end();
      else this.listener = client;
    } catch (err) {
      drop(err as Error);
    } finally {
      this.connecting = false;
    }
  }

  /** Re-reads modes and limits from the database. */
  async refresh(): Promise<void> {
    const v = this.version;
    const [states, limits] = await Promise.all([this.repo.states(), this.repo.limits()]);
    if (v !== this.version) return;
    this.modes = new Map(states.map((s) => [s.scope, s.mode]));
    this.limitsByScope = new Map(limits.map((l) => [l.scope, l.limits]));
    this.effective = new Map();
    this.exportModes();
  }

  /** risk_mode{scope}: the firm's mode, and the strictest account mode, as 0..3 (modeSeverity). */
  private exportModes(): void {
    if (!this.modeGauge) return;
    let accounts: RiskMode = 'NORMAL';
    for (const [scope, mode] of this.modes) if (scope !== FIRM_SCOPE) accounts = stricterMode(accounts, mode);
    this.modeGauge.set({ scope: 'firm' }, modeSeverity(this.modes.get(FIRM_SCOPE) ?? 'NORMAL'));
    this.modeGauge.set({ scope: 'accounts' }, modeSeverity(accounts));
  }

  // ---- what the gate reads (memory only) ----------------------------------------------------

  /** The mode that applies to an account: the stricter of the firm-wide and the account's. */
  modeOf(accountId: string): RiskMode {
    return stricterMode(this.modes.get(FIRM_SCOPE) ?? 'NORMAL', this.modes.get(accountId) ?? 'NORMAL');
  }

  scopeMode(scope: RiskScope): RiskMode {
    return this.modes.get(scope) ?? 'NORMAL';
  }

  /** Firm-wide and account limits merged, the tighter winning (cached per account). */
  limitsOf(accountId: string): EffectiveLimits {
    let e = this.effective.get(accountId);
    if (!e) {
      e = mergeLimits(this.limitsByScope.get(FIRM_SCOPE), this.limitsByScope.get(accountId));
      this.effective.set(accountId, e);
    }
    return e;
  }

  scopeLimits(scope: RiskScope): RiskLimits {
    return this.limitsByScope.get(scope) ?? {};
  }

  /** What strategy sizing is multiplied by in the account's mode (CAUTIOUS: RISK_CAUTIOUS_MULTIPLIER). */
  sizingMultiplier(accountId: string): number {
    return modeSizingMultiplier(this.modeOf(accountId), this.config.riskCautiousMultiplier);
  }

  // ---- changes --------------------------------------------------------------------------------

  /**
   * Sets a scope's mode in `tx` (locked row, audit row, alert), or in a transaction of its own.
   * Returns the change (null when the mode already was `to`). Memory is updated by `applied`
   * after commit; `changeMode` does both.
   */
  async writeMode(tx: EntityManager, scope: RiskScope, to: RiskMode, reason: string, actor: RiskActor, alertData: Record<string, unknown> = {}): Promise<ModeChange | null> {
    const accountId = scope === FIRM_SCOPE ? null : scope;
    const row = await this.repo.lockState(tx, scope, accountId);
    if (row.mode === to) return null;
    await this.repo.setMode(tx, scope, to, reason, actor.keyId);
    await this.repo.notifyChanged(tx, RISK_STATE_CHANNEL, scope);
    await this.repo.insertAudit(tx, { kind: 'mode', scope, accountId, actorKeyId: actor.keyId, actor: actor.kind, from: row.mode, to, reason });
    const worse = modeSeverity(to) > modeSeverity(row.mode);
    await this.alerts?.raise(
      {
        rule: 'risk_mode_change',
        severity: worse ? SEVERITY[to] : 'info',
        title: `Risk mode ${row.mode} → ${to}${accountId ? '' : ' (firm-wide)'}`,
        body: `Risk mode of ${accountId ? `account ${accountId}` : 'the firm'} changed from ${row.mode} to ${to} (${actor.kind === 'admin' ? 'by an admin' : 'automatically'}): ${reason}`,
        accountId,
        dedupeKey: `risk_mode_change:${scope}:${row.mode}:${to}`,
        data: { scope, from: row.mode, to, reason, actor: actor.kind, ...alertData },
      },
      tx,
    );
    return { scope, from: row.mode, to, reason };
  }

  /** Memory follows a committed change. */
  applied(change: ModeChange | null): void {
    if (!change) return;
    this.version++;
    const next = new Map(this.modes);
    next.set(change.scope, change.to);
    this.modes = next;
    this.exportModes();
  }

  async changeMode(scope: RiskScope, to: RiskMode, reason: string, actor: RiskActor): Promise<ModeChange | null> {
    const change = await this.repo.transaction((tx) => this.writeMode(tx, scope, to, reason, actor));
    this.applied(change);
    return change;
  }

  /** Replaces a scope's limits (the whole set: a limit left out is removed), audited. */
  async setLimits(scope: RiskScope, limits: RiskLimits, reason: string, actor: RiskActor): Promise<RiskLimits> {
    const accountId = scope === FIRM_SCOPE ? null : scope;
    await this.repo.transaction(async (tx) => {
      const before = await this.repo.lockLimits(tx, scope);
      await this.repo.saveLimits(tx, scope, accountId, limits, actor.keyId);
      await this.repo.notifyChanged(tx, RISK_STATE_CHANNEL, scope);
      await this.repo.insertAudit(tx, { kind: 'limits', scope, accountId, actorKeyId: actor.keyId, actor: actor.kind, from: before, to: limits, reason });
    });
    this.version++;
    const next = new Map(this.limitsByScope);
    next.set(scope, limits);
    this.limitsByScope = next;
    this.effective = new Map();
    return limits;
  }
}
