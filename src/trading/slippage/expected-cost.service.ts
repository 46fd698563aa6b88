import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles';
import { Decimal, formatDecimal, parseDecimal } from '../../common/decimal';
import { UnprocessableError, ValidationFailedError } from '../../common/errors/domain-error';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { oneAccount } from '../orders/orders-api.service';
import { PortfolioService } from '../portfolio/portfolio.service';
import { dailyLiquidity, expectedCost, MIN_DAILY_BARS, SlippageInputError, type ExpectedCostModel } from './core';
import type { ExpectedCostEstimateDto, ExpectedCostRequestDto } from './slippage.dto';
import { SlippageRepository } from './slippage.repository';

type ModelSettings = Pick<
  AppConfig,
  'expectedCostImpactCoefficient' | 'expectedCostImpactExponent' | 'expectedCostFeeBps' | 'tradingBroker' | 'paperCommissionBps'
>;

/**
 * The estimate's model from the settings. Fees: EXPECTED_COST_FEE_BPS when set, else what the
 * configured broker charges: PAPER_COMMISSION_BPS with the paper broker (one setting, so the
 * estimate cannot drift from what paper fills are charged), 0 with a live broker, whose fee
 * schedule QuantDesk does not know (set EXPECTED_COST_FEE_BPS to it).
 */
export function expectedCostModel(c: ModelSettings): ExpectedCostModel {
  return {
    impactCoefficient: c.expectedCostImpactCoefficient,
    impactExponent: c.expectedCostImpactExponent,
    feeBps: c.expectedCostFeeBps ?? (c.tradingBroker === 'paper' ? c.paperCommissionBps : 0),
  };
}

/**
 * The pre-trade expected cost of an order a trader is about to send (issue 5): half spread +
 * square-root impact + fees (core/expected-cost.estimator.ts) on inputs read here:
 * - reference: the request's price, else the account's mark, the arrival price the OMS would
 *   store for the order (PortfolioService.mark);
 * - V and σ: the newest EXPECTED_COST_LOOKBACK_DAYS daily bars (SlippageRepository.dailyBars);
 * - spread: the request's, else EXPECTED_COST_SPREAD_BPS (the OMS has no quote feed);
 * - fees: expectedCostModel.
 * It reads and computes only: nothing is stored or sent.
 */
@Injectable()
export class ExpectedCostService {
  constructor(
    private readonly repo: SlippageRepository,
    private readonly portfolio: PortfolioService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async estimate(p: Principal, dto: ExpectedCostRequestDto, accountId?: string): Promise<ExpectedCostEstimateDto> {
    const account = oneAccount(p, accountId);
    const quantity = parseDecimal(dto.quantity) as Decimal; // the DTO checked it is a decimal > 0
    const requested = dto.referencePrice === undefined ? null : (parseDecimal(dto.referencePrice) as Decimal);
    const [daily, mark] = await Promise.all([
      this.repo.dailyBars(dto.symbol, this.config.expectedCostLookbackDays, MIN_DAILY_BARS),
      requested ? Promise.resolve(null) : this.portfolio.mark(account, dto.symbol),
    ]);

    const liquidity = dailyLiquidity(Float64Array.from(daily.bars, (b) => b.close), Float64Array.from(daily.bars, (b) => b.volume ?? Number.NaN));
    if (!liquidity.ok) {
      const reason =
        daily.source === 'bars_1d' && daily.bars.length < MIN_DAILY_BARS
          ? `${daily.storedDaily} stored 1d bars and ${daily.bars.length} complete days of 1-minute bars; the estimate needs at least ${MIN_DAILY_BARS} daily bars`
          : liquidity.reason;
      throw new UnprocessableError('NO_MARKET_DATA', `No usable daily bars for ${dto.symbol}: ${reason} (import 1d or 1-minute bars first)`, { field: 'symbol', reason });
    }
    const referencePrice = requested ?? mark;
    if (!referencePrice) {
      const reason = 'the account has no mark for the symbol';
      throw new UnprocessableError('NO_MARKET_DATA', `No reference price for ${dto.symbol}: ${reason}; send referencePrice`, { field: 'referencePrice', reason });
    }
    const spreadBps = dto.spreadBps ?? this.config.expectedCostSpreadBps;

    let cost;
    try {
      cost = expectedCost(
        { side: dto.side, quantity, referencePrice, spreadBps, volume: liquidity.averageDailyVolume, volatility: liquidity.dailyVolatility },
        expectedCostModel(this.config),
      );
    } catch (e) {
      // The DTO and dailyLiquidity check every input first; this names a field should one slip through.
      if (e instanceof SlippageInputError) throw new ValidationFailedError(`Invalid request: ${e.message}`, [{ field: e.field, reason: e.message }]);
      throw e;
    }

    const s = formatDecimal;
    return {
      symbol: dto.symbol,
      side: dto.side,
      quantity: s(quantity),
      inputs: {
        referencePrice: s(referencePrice),
        referenceSource: requested ? 'request' : 'mark',
        spreadBps,
        spreadSource: dto.spreadBps === undefined ? 'config' : 'request',
        averageDailyVolume: liquidity.averageDailyVolume,
        dailyVolatility: liquidity.dailyVolatility,
        days: liquidity.days,
        asOf: daily.bars[daily.bars.length - 1].ts.toISOString(),
      },
      cost: {
        participation: cost.participation,
        notional: s(cost.notional),
        halfSpreadBps: cost.halfSpreadBps,
        impactBps: cost.impactBps,
        feesBps: cost.feesBps,
        totalBps: cost.totalBps,
        halfSpread: s(cost.halfSpread),
        impact: s(cost.impact),
        fees: s(cost.fees),
        total: s(cost.total),
        expectedAveragePrice: s(cost.expectedAveragePrice),
      },
    };
  }
}
