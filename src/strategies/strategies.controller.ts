import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { listStrategies } from './core';
import { StrategyListDto } from './strategies.dto';

/**
 * The strategy registry as the API sees it. Read straight from `listStrategies()`, so a strategy
 * registered in src/strategies/core appears here (and is accepted by the research runs) without
 * touching this controller. There is nothing to orchestrate, hence no service.
 */
@ApiTags('strategies')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/strategies')
export class StrategiesController {
  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Registered strategies with their parameter schemas',
    description:
      'Every strategy that backtests, optimizations and walk-forwards accept (`strategy`), with each parameter\'s type, ' +
      'inclusive range (null where none) and default: the values `params` and `grid` are checked against.',
  })
  @ApiOkResponse({ type: StrategyListDto })
  list(): StrategyListDto {
    return {
      data: listStrategies().map((s) => ({
        name: s.name,
        description: s.description,
        params: s.params.map((p) => ({ name: p.name, type: p.type, min: p.min ?? null, max: p.max ?? null, default: p.default, description: p.description })),
        requires: { timestamps: s.requires?.timestamps === true, sentiment: s.requires?.sentiment === true },
      })),
    };
  }
}
