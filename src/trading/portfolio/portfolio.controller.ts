import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { AccountDto, AccountScopeQueryDto, EquitySnapshotDto, FillListQueryDto, FillPageDto, PositionDto } from '../orders/orders.dto';
import { OrdersApiService } from '../orders/orders-api.service';

/** What an account holds: positions, cash and equity, fills, and its daily equity. Any valid key (viewer up). */
@ApiTags('portfolio')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'accountId named by a non-admin key' })
@Controller('api/v1')
export class PortfolioController {
  constructor(private readonly api: OrdersApiService) {}

  @Get('positions')
  @ApiOperation({ summary: 'Open positions: quantity, average cost, realized and unrealized P&L at the mark' })
  @ApiOkResponse({ type: [PositionDto] })
  positions(@CurrentPrincipal() principal: Principal, @Query() q: AccountScopeQueryDto): Promise<PositionDto[]> {
    return this.api.positions(principal, q.accountId);
  }

  @Get('account')
  @ApiOperation({ summary: 'Cash, equity and buying power (a cash account: buying power = cash)' })
  @ApiOkResponse({ type: AccountDto })
  account(@CurrentPrincipal() principal: Principal, @Query() q: AccountScopeQueryDto): Promise<AccountDto> {
    return this.api.account(principal, q.accountId);
  }

  @Get('account/equity')
  @ApiOperation({ summary: 'Daily equity snapshots of the account, oldest first' })
  @ApiOkResponse({ type: [EquitySnapshotDto] })
  equity(@CurrentPrincipal() principal: Principal, @Query() q: AccountScopeQueryDto): Promise<EquitySnapshotDto[]> {
    return this.api.equity(principal, q.accountId);
  }

  @Get('fills')
  @ApiOperation({ summary: 'Executions, newest first, a page at a time (filters: symbol, orderId, from, to)' })
  @ApiOkResponse({ type: FillPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  fills(@CurrentPrincipal() principal: Principal, @Query() q: FillListQueryDto): Promise<FillPageDto> {
    return this.api.fills(principal, q);
  }
}
