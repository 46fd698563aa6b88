import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { Decimal } from '../common/decimal';
import { accountId as toAccountId, clientOrderId as toClientOrderId, orderId as toOrderId } from '../common/typed-ids';
import { ExecutionsService } from '../trading/execution/executions.service';
import { OrdersService } from '../trading/orders/orders.service';
import type { RiskMode } from './core/risk-mode';
import { RiskGate } from './risk.gate';
import { FIRM_SCOPE, RiskRepository } from './risk.repository';
import { RiskStateService } from './risk-state.service';

export interface KillSwitchResult {
  readonly mode: 'HALTED';
  readonly previousMode: RiskMode;
  readonly cancelledParents: string[];
  readonly cancelledOrders: string[];
  readonly cancelFailures: { readonly orderId: string; readonly reason: string }[];
  readonly flattenOrders: { readonly accountId: string; readonly symbol: string; readonly side: 'buy' | 'sell'; readonly quantity: string; readonly orderId?: string; readonly status?: string; readonly error?: string }[];
}

/** How long the kill switch keeps looking for orders that were past the gate when it engaged. */
const SETTLE_MS = 2000;
const PASS_PAUSE_MS = 50;

/**
 * The kill switch. Never through a queue (it works with Redis down or the queues stuck):
 * 1. the firm-wide mode HALTED, its audit rows and alert, committed in ONE transaction, and this
 *    process's gate switched before anything else: from here no new order passes the gate;
 * 2. every running or paused parent order cancelled (pending slices skipped, working children
 *    cancelled), in the request;
 * 3. every open order of every account cancelled. An order that was already past the gate when
 *    the mode changed may still be on its way to the broker (status new, no broker id): passes
 *    repeat every 50 ms for up to 2 s until none is left uncancelled;
 * 4. with `flatten`, a market order closing each position, each let through the gate by name
 *    (the only orders HALTED admits).
 */
@Injectable()
export class KillSwitchService {
  private readonly logger = new Logger('KillSwitch');

  constructor(
    private readonly state: RiskStateService,
    private readonly repo: RiskRepository,
    private readonly gate: RiskGate,
    private readonly orders: OrdersService,
    private readonly executions: ExecutionsService,
  ) {}

  async engage(principal: Principal, reason: string, flatten: boolean): Promise<KillSwitchResult> {
    const actor = { kind: 'admin' as const, keyId: principal.keyId };
    const previousMode = this.state.scopeMode(FIRM_SCOPE);
    const change = await this.repo.transaction(async (tx) => {
      const c = await this.state.writeMode(tx, FIRM_SCOPE, 'HALTED', `kill switch: ${reason}`, actor, { killSwitch: true });
      await this.repo.insertAudit(tx, {
        kind: 'kill_switch',
        scope: FIRM_SCOPE,
        accountId: null,
        actorKeyId: principal.keyId,
        actor: 'admin',
        from: c?.from ?? 'HALTED',
        to: { mode: 'HALTED', flatten },
        reason,
      });
      return c;
    });
    this.state.applied(change ?? { scope: FIRM_SCOPE, from: 'HALTED', to: 'HALTED', reason });
    this.logger.warn(`Kill switch engaged by key ${principal.keyId}: ${reason}`);

    const cancelledParents: string[] = [];
    const cancelFailures: { orderId: string; reason: string }[] = [];
    for (const id of await this.repo.liveParents()) {
      try {
        await this.executions.cancel(principal, id);
        cancelledParents.push(id);
      } catch (err) {
        cancelFailures.push({ orderId: id, reason: `parent: ${(err as Error).message}` });
      }
    }

    const cancelledOrders = await this.cancelOpenOrders(cancelFailures);
    const flattenOrders = flatten ? await this.flatten() : [];
    return { mode: 'HALTED', previousMode, cancelledParents, cancelledOrders, cancelFailures, flattenOrders };
  }

  private async cancelOpenOrders(failures: { orderId: string; reason: string }[]): Promise<string[]> {
    const asked = new Set<string>();
    const cancelled: string[] = [];
    const until = Date.now() + SETTLE_MS;
    for (;;) {
      let waiting = 0;
      for (const o of await this.repo.openOrders()) {
        if (asked.has(o.id)) continue;
        if (o.brokerOrderId === null) {
          // Not acknowledged yet: its submit is in flight; cancel it on a later pass.
          waiting++;
          continue;
        }
        asked.add(o.id);
        try {
          await this.orders.cancel(toAccountId(o.accountId), toOrderId(o.id));
          cancelled.push(o.id);
        } catch (err) {
          failures.push({ orderId: o.id, reason: (err as Error).message });
        }
      }
      if (waiting === 0 || Date.now() >= until) {
        if (waiting > 0) failures.push({ orderId: '*', reason: `${waiting} order(s) still unacknowledged by the broker after ${SETTLE_MS} ms; reconciliation resolves them` });
        return cancelled;
      }
      await new Promise((r) => setTimeout(r, PASS_PAUSE_MS));
    }
  }

  private async flatten(): Promise<KillSwitchResult['flattenOrders']> {
    const stamp = Date.now().toString(36);
    const out: KillSwitchResult['flattenOrders'][number][] = [];
    for (const p of await this.repo.openPositions()) {
      const q = new Decimal(p.quantity);
      const side = q.isNegative() ? ('buy' as const) : ('sell' as const);
      const coid = `kill-${stamp}-${p.symbol.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 64);
      const base = { accountId: p.accountId, symbol: p.symbol, side, quantity: q.abs().toFixed() };
      this.gate.allowFlatten(p.accountId, coid);
      try {
        const r = await this.orders.submit(toAccountId(p.accountId), {
          clientOrderId: toClientOrderId(coid),
          symbol: p.symbol,
          side,
          type: 'market',
          quantity: q.abs(),
          timeInForce: 'day',
        });
        out.push({ ...base, orderId: r.id, status: r.status });
      } catch (err) {
        out.push({ ...base, error: (err as Error).message });
      }
    }
    return out;
  }
}
