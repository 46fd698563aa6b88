import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ForbiddenError } from '../common/errors/domain-error';
import { AuditQueryDto, KillSwitchDto, RiskLimitsDto, RiskModeDto, RiskStatusQueryDto } from './risk.dto';
import { RiskAdminService } from './risk-admin.service';
import { RiskMeasuresService } from './risk-measures.service';

/** The risk picture of the caller's account: any role. */
@ApiTags('risk')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/risk')
export class RiskController {
  constructor(private readonly measures: RiskMeasuresService) {}

  @Get('status')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Risk mode (effective, account, firm), drawdown, VaR/CVaR per horizon and method, exposure by symbol and side, portfolio heat' })
  @ApiOkResponse({ description: 'Fractions are of equity (losses negative); `usd` figures are positive losses' })
  @ApiForbiddenResponse({ description: 'accountId named by a non-admin key' })
  status(@CurrentPrincipal() principal: Principal, @Query() q: RiskStatusQueryDto): Promise<unknown> {
    if (q.accountId !== undefined && q.accountId !== principal.accountId && principal.role !== 'admin') throw new ForbiddenError('Only admin keys may read another account');
    return this.measures.statusJson(q.accountId ?? principal.accountId);
  }
}

/** Risk administration: admin keys only (a trader key gets 403 on every route). */
@ApiTags('risk')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'Not an admin key' })
@RequireRole('admin')
@Controller('api/v1/admin')
export class RiskAdminController {
  constructor(private readonly admin: RiskAdminService) {}

  @Put('risk/mode')
  @ApiOperation({ summary: 'Set the firm-wide (or an account\'s) risk mode; audited and alerted. Leaving HALTED is only possible here.' })
  @ApiBadRequestResponse({ description: 'Unknown mode, missing reason, unknown fields' })
  setMode(@CurrentPrincipal() principal: Principal, @Body() dto: RiskModeDto): Promise<unknown> {
    return this.admin.setMode(principal, dto);
  }

  @Put('risk/limits')
  @ApiOperation({ summary: 'Replace the pre-trade limits of the firm (no accountId) or an account; audited. Both apply: the tighter wins.' })
  @ApiBadRequestResponse({ description: 'A limit is not a positive number, or an unknown field' })
  setLimits(@CurrentPrincipal() principal: Principal, @Body() dto: RiskLimitsDto): Promise<unknown> {
    return this.admin.setLimits(principal, dto);
  }

  @Get('risk/limits')
  @ApiOperation({ summary: 'The stored limits of every scope' })
  limits(): Promise<unknown> {
    return this.admin.limits();
  }

  @Post('kill-switch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'HALT everything: firm-wide HALTED (committed before the answer), every parent and open order cancelled, optionally every position flattened',
    description: 'Not queued: works with Redis down. After the answer no new order is accepted (flatten orders excepted, sent here).',
  })
  killSwitch(@CurrentPrincipal() principal: Principal, @Body() dto: KillSwitchDto): Promise<unknown> {
    return this.admin.killSwitch(principal, dto);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Every mode change, limit change and kill switch: who (API key id or automatic), when, from, to, reason; newest first' })
  audit(@Query() q: AuditQueryDto): Promise<unknown> {
    return this.admin.audit(q);
  }
}
