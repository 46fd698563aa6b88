import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge, Histogram } from 'prom-client';
import { Decimal } from '../../common/decimal';
import { METRIC } from '../../monitoring/metrics/metric-names';
import { OrdersService } from '../orders/orders.service';
import { arrivalSlippage } from './core/arrival-slippage.measure';

/**
 * Execution quality on /metrics, fill by fill as the OMS applies them: `slippage_bps{symbol}`
 * (arrival-price slippage, the same measure as GET /api/v1/slippage) and
 * `implementation_shortfall_usd{symbol}` (its currency sum since the process started: a gauge,
 * since a price improvement lowers it). A fill whose order has no
 * arrival price (no mark when it was submitted) is not measured.
 */
@Injectable()
export class SlippageMetricsService implements OnModuleInit {
  private readonly logger = new Logger('SlippageMetrics');

  constructor(
    private readonly orders: OrdersService,
    @Optional() @InjectMetric(METRIC.slippageBps) private readonly bps: Histogram<string> | null = null,
    @Optional() @InjectMetric(METRIC.shortfallUsd) private readonly shortfall: Gauge<string> | null = null,
  ) {}

  onModuleInit(): void {
    if (!this.bps || !this.shortfall) return;
    const bps = this.bps;
    const shortfall = this.shortfall;
    this.orders.onOrderUpdate((u) => {
      if (u.kind !== 'fill' || !u.fill || !u.arrivalPrice) return;
      try {
        const s = arrivalSlippage({
          symbol: u.fill.symbol,
          venue: 'broker',
          side: u.fill.side,
          quantity: new Decimal(u.fill.quantity),
          price: new Decimal(u.fill.price),
          arrivalPrice: new Decimal(u.arrivalPrice),
        });
        bps.observe({ symbol: u.fill.symbol }, s.bps);
        shortfall.inc({ symbol: u.fill.symbol }, s.cost.toNumber());
      } catch (err) {
        this.logger.warn(`fill ${u.fill.fillId} not measured: ${(err as Error).message}`);
      }
    });
  }
}
