import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles';
import { Decimal, formatDecimal } from '../../common/decimal';
import { oneAccount } from '../orders/orders-api.service';
import { slippageStatistics, type KeyedSlippageStats, type SlippageStats } from './core';
import type { SlippageQueryDto, SlippageReportDto, SlippageStatsDto } from './slippage.dto';
import { SlippageRepository } from './slippage.repository';

/**
 * Fills measured per request. The aggregation costs ~4 µs a fill (bench/slippage.ts), so the cap
 * keeps a request near 0.2 s; a longer history is read with from/to.
 */
export const MAX_SLIPPAGE_FILLS = 50_000;

/** Post-trade arrival-price slippage of an account's fills, per symbol and per venue. */
@Injectable()
export class SlippageService {
  constructor(private readonly repo: SlippageRepository) {}

  async report(p: Principal, q: SlippageQueryDto): Promise<SlippageReportDto> {
    const account = oneAccount(p, q.accountId);
    const rows = await this.repo.fills(account, MAX_SLIPPAGE_FILLS + 1, q.from ? new Date(q.from) : undefined, q.to ? new Date(q.to) : undefined);
    const used = rows.slice(0, MAX_SLIPPAGE_FILLS);
    const report = slippageStatistics(
      used.map((r) => ({
        symbol: r.symbol,
        venue: r.venue ?? 'broker',
        side: r.side,
        quantity: new Decimal(r.quantity),
        price: new Decimal(r.price),
        arrivalPrice: new Decimal(r.arrival_price),
      })),
    );
    return {
      fills: used.length,
      truncated: rows.length > MAX_SLIPPAGE_FILLS,
      overall: report.overall ? dto(report.overall) : null,
      bySymbol: report.bySymbol.map(dto),
      byVenue: report.byVenue.map(dto),
    };
  }
}

function dto(s: SlippageStats | KeyedSlippageStats): SlippageStatsDto {
  return {
    ...('key' in s ? { key: s.key } : {}),
    count: s.count,
    meanBps: s.meanBps,
    medianBps: s.medianBps,
    p95Bps: s.p95Bps,
    weightedMeanBps: s.weightedMeanBps,
    totalCost: formatDecimal(s.totalCost),
    arrivalNotional: formatDecimal(s.arrivalNotional),
  };
}
