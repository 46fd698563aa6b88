import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { BarsStoredNotifier } from '../../market-data/bars-stored.notifier';
import { OrdersService } from '../orders/orders.service';
import { ExecutionsService } from './executions.service';

/**
 * Tells parent orders what the market and the order management system did: the volume of each
 * stored bar (what POV parents on that bar timeframe participate in), and what happened to their
 * children: each fill of an order submitted with a
 * `parentOrderId`, and each child that ended without filling, as the order management system
 * commits them. Fills are idempotent on the fill id at the parent too. Without the OMS in the
 * module's imports (a spec's own OrderSubmissionPort), the sender reports them itself.
 */
@Injectable()
export class ExecutionOrderUpdates implements OnModuleInit {
  constructor(
    // By token: a union type erases to Object in the emitted metadata.
    @Optional() @Inject(OrdersService) private readonly orders: OrdersService | null,
    private readonly executions: ExecutionsService,
    private readonly stored: BarsStoredNotifier,
  ) {}

  onModuleInit(): void {
    this.stored.onStored(async (bar) => {
      if (bar.volume !== null && bar.volume > 0) await this.executions.onMarketVolume(bar.symbol, bar.volume, bar.time, bar.timeframe);
    });
    this.orders?.onOrderUpdate(async (u) => {
      if (u.parentOrderId === null) return;
      if (u.kind === 'fill' && u.fill) {
        await this.executions.onChildFill(u.parentOrderId, {
          fillId: u.fill.fillId,
          clientOrderId: u.clientOrderId,
          quantity: u.fill.quantity,
          price: u.fill.price,
          commission: u.fill.commission,
          at: u.fill.at,
        });
      } else if (u.kind !== 'fill') {
        await this.executions.onChildClosed(u.parentOrderId, u.clientOrderId, u.kind);
      }
    });
  }
}
