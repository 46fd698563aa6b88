import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { AccountScopeQueryDto } from '../orders/orders.dto';
import { ExpectedCostService } from './expected-cost.service';
import { ExpectedCostEstimateDto, ExpectedCostRequestDto, SlippageQueryDto, SlippageReportDto } from './slippage.dto';
import { SlippageService } from './slippage.service';

@ApiTags('portfolio')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/slippage')
export class SlippageController {
  constructor(
    private readonly slippage: SlippageService,
    private readonly expectedCost: ExpectedCostService,
  ) {}

  @Get()
  @ApiOperation({ summary: "Arrival-price slippage of the account's fills: overall, per symbol and per venue (bps, positive = cost)" })
  @ApiOkResponse({ type: SlippageReportDto })
  @ApiBadRequestResponse({ description: 'from/to is not ISO 8601' })
  @ApiForbiddenResponse({ description: 'accountId named by a non-admin key' })
  report(@CurrentPrincipal() principal: Principal, @Query() q: SlippageQueryDto): Promise<SlippageReportDto> {
    return this.slippage.report(principal, q);
  }

  @Post('estimate')
  @RequireRole('trader')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pre-trade expected cost of an order: half spread + square-root impact k·σ·(Q/V)^β + fees, in bps and currency',
    description:
      'Nothing is stored or sent. Reference: referencePrice, else the account mark. V and σ: mean volume and sample standard deviation of ' +
      'simple close-to-close returns of the newest EXPECTED_COST_LOOKBACK_DAYS daily bars (stored 1d bars when there are at least 3, ' +
      'else the daily aggregate of 1-minute bars). Spread: spreadBps, else EXPECTED_COST_SPREAD_BPS.',
  })
  @ApiOkResponse({ type: ExpectedCostEstimateDto })
  @ApiBadRequestResponse({ description: 'Invalid body (side, quantity <= 0, an unknown field, ...); details.issues names each field' })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key, or accountId named by a non-admin key' })
  @ApiUnprocessableEntityResponse({ description: 'NO_MARKET_DATA: fewer than 3 daily bars or zero volume (details.field symbol), or no mark (details.field referencePrice)' })
  estimate(@CurrentPrincipal() principal: Principal, @Body() dto: ExpectedCostRequestDto, @Query() q: AccountScopeQueryDto): Promise<ExpectedCostEstimateDto> {
    return this.expectedCost.estimate(principal, dto, q.accountId);
  }
}
