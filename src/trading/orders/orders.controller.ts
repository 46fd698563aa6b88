import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequireRole } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { uuidParam } from '../../common/http/uuid-param.pipe';
import { CreateOrderDto, OrderDetailDto, OrderDto, OrderListQueryDto, OrderPageDto, ReplaceOrderDto } from './orders.dto';
import { OrdersApiService } from './orders-api.service';

/** Orders: submit (idempotent on clientOrderId), list, read with events and fills, cancel, replace. */
@ApiTags('orders')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly api: OrdersApiService) {}

  @Post()
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Submit an order',
    description:
      'Idempotent on clientOrderId per account: the same request again answers 200 with the same order (one order, one broker call, ' +
      'however many concurrent repeats); another body under a used clientOrderId is a 409. Decimals as JSON strings or numbers; ' +
      'limitPrice for limit/stop_limit, stopPrice for stop/stop_limit. A pre-trade risk denial is stored as rejected and answered 422 ' +
      'PRE_TRADE_DENIED with details.reason.',
  })
  @ApiCreatedResponse({ type: OrderDto, description: 'Stored and sent to the broker (status accepted, filled, rejected by the broker, ...)' })
  @ApiOkResponse({ type: OrderDto, description: 'A repeat of an earlier request: the order it created' })
  @ApiBadRequestResponse({ description: 'Invalid order; details.issues names each field' })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key' })
  @ApiConflictResponse({ description: 'clientOrderId already used by a different order' })
  @ApiUnprocessableEntityResponse({ description: 'PRE_TRADE_DENIED: details.reason, details.orderId' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateOrderDto, @Res() reply: FastifyReply): Promise<void> {
    const r = await this.api.submit(principal, dto);
    await reply.status(r.created ? 201 : 200).send(r.order);
  }

  @Get()
  @ApiOperation({ summary: "Orders of the caller's account (admin: every account, or ?accountId=), newest first, a page at a time" })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  @ApiForbiddenResponse({ description: 'accountId named by a non-admin key' })
  list(@CurrentPrincipal() principal: Principal, @Query() q: OrderListQueryDto): Promise<OrderPageDto> {
    return this.api.list(principal, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An order with its events (every status change) and fills' })
  @ApiOkResponse({ type: OrderDetailDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such order in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<OrderDetailDto> {
    return this.api.get(principal, id);
  }

  @Delete(':id')
  @RequireRole('trader')
  @ApiOperation({ summary: 'Cancel an open order', description: 'Asks the broker to cancel; the order as it stands once the broker has answered.' })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ description: 'No such order in your account' })
  @ApiConflictResponse({ description: 'The order is not open (filled, cancelled, ...) or not acknowledged yet' })
  cancel(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<OrderDto> {
    return this.api.cancel(principal, id);
  }

  @Patch(':id')
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Replace an open order',
    description: 'A new order (its own clientOrderId, replacesOrderId = this one) takes over; this one ends replaced. Repeating the same replace answers 200.',
  })
  @ApiCreatedResponse({ type: OrderDto, description: 'The replacing order' })
  @ApiOkResponse({ type: OrderDto, description: 'A repeat: the replacing order created before' })
  @ApiNotFoundResponse({ description: 'No such order in your account' })
  @ApiConflictResponse({ description: 'The order is not open, or clientOrderId is used by another order' })
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ReplaceOrderDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const r = await this.api.replace(principal, id, dto);
    await reply.status(r.created ? 201 : 200).send(r.order);
  }
}
