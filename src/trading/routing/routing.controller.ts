import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { SimulateRoutingDto } from './routing.dto';
import { RoutingService, type SimulationView } from './routing.service';

/** Smart order routing: the venues, what routing has learned of them, and simulated routings. */
@ApiTags('routing')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/routing')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get('venues')
  @ApiOperation({ summary: 'The configured venues and their current scores', description: 'Fees, latency, depth model, lot size, dark-pool fill probability and sizes; score: the effective fill probability, latency and excess cost the router now uses.' })
  @ApiOkResponse({ description: 'settings and venues' })
  venues() {
    return this.routing.venuesView();
  }

  @Get('stats')
  @ApiOperation({ summary: 'Per-venue fill rate, realized cost, latency and counts' })
  @ApiOkResponse({ description: 'decisions and venues' })
  stats() {
    return this.routing.statsView();
  }

  @Post('simulate')
  @HttpCode(200)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Route an order in simulation mode',
    description:
      'Dark pools first when the order qualifies, then the cost-minimizing lit split, re-routing the unfilled rest. In paper mode (QUANTDESK_ROUTING_EXECUTION=paper, the default) each child is a paper broker order on the routing paper account, priced at the paper book’s mid by the venue models; in venue-simulator mode the venue simulator fills them at the given referencePrice. The decision is recorded and the venue stats learn from it.',
  })
  @ApiOkResponse({ description: 'The plan round by round and the simulated outcome' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiUnprocessableEntityResponse({ description: 'NO_MARKET_DATA: paper mode and the paper book has no bar or quote of the symbol' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  simulate(@CurrentPrincipal() principal: Principal, @Body() dto: SimulateRoutingDto): Promise<SimulationView> {
    return this.routing.simulate(principal, dto);
  }
}
