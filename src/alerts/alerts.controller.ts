import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { AlertHistoryQueryDto, AlertPageDto, ChannelStatusDto, CreateSubscriptionDto, SubscriptionDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

/** Alerts: the history with per-channel delivery status, the channels, and the caller's subscriptions. */
@ApiTags('alerts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: "Alerts of the caller's account and firm-wide ones, newest first, each with its deliveries to the account's subscriptions" })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiBadRequestResponse({ description: 'limit or cursor is invalid' })
  history(@CurrentPrincipal() principal: Principal, @Query() q: AlertHistoryQueryDto): Promise<AlertPageDto> {
    return this.alerts.history(principal, q);
  }

  @Get('channels')
  @ApiOperation({ summary: 'Each channel and whether it is configured (a disabled one names what is missing)' })
  @ApiOkResponse({ type: [ChannelStatusDto] })
  channels(): ChannelStatusDto[] {
    return this.alerts.channelStatuses();
  }

  @Get('subscriptions')
  @RequireRole('trader')
  @ApiOperation({ summary: "The caller's account's subscriptions" })
  @ApiOkResponse({ type: [SubscriptionDto] })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key' })
  subscriptions(@CurrentPrincipal() principal: Principal): Promise<SubscriptionDto[]> {
    return this.alerts.subscriptions(principal);
  }

  @Post('subscriptions')
  @RequireRole('trader')
  @ApiOperation({ summary: 'Subscribe the account to alerts at minSeverity or above on a channel' })
  @ApiCreatedResponse({ type: SubscriptionDto })
  @ApiBadRequestResponse({ description: 'Invalid body, a disabled channel (details.issues: channel) or a bad target (details.issues: target)' })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key' })
  @ApiConflictResponse({ description: 'The account already has this channel and target' })
  subscribe(@CurrentPrincipal() principal: Principal, @Body() dto: CreateSubscriptionDto): Promise<SubscriptionDto> {
    return this.alerts.subscribe(principal, dto);
  }

  @Delete('subscriptions/:id')
  @RequireRole('trader')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete one of the account's subscriptions (its past deliveries stay in the history)" })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key' })
  @ApiNotFoundResponse({ description: 'No such subscription on the account' })
  async unsubscribe(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.alerts.unsubscribe(principal, id);
  }
}
