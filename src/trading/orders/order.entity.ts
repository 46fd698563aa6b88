import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from './order.types';

/**
 * An order as stored (`orders`). Decimals are `numeric` and read as their text; the OMS parses
 * them with decimal.js. `status` changes only through the transition table, each change with
 * its `order_events` row, in the transaction that changes it.
 */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @Column({ name: 'client_order_id', type: 'text' }) clientOrderId!: string;
  @Column({ type: 'text' }) broker!: string;
  @Column({ name: 'broker_order_id', type: 'text', nullable: true }) brokerOrderId!: string | null;
  @Column({ type: 'text' }) symbol!: string;
  @Column({ type: 'text' }) side!: OrderSide;
  @Column({ type: 'text' }) type!: OrderType;
  @Column({ name: 'time_in_force', type: 'text' }) timeInForce!: TimeInForce;
  @Column({ type: 'numeric' }) quantity!: string;
  @Column({ name: 'limit_price', type: 'numeric', nullable: true }) limitPrice!: string | null;
  @Column({ name: 'stop_price', type: 'numeric', nullable: true }) stopPrice!: string | null;
  @Column({ name: 'filled_quantity', type: 'numeric' }) filledQuantity!: string;
  @Column({ name: 'average_fill_price', type: 'numeric', nullable: true }) averageFillPrice!: string | null;
  @Column({ type: 'text' }) status!: OrderStatus;
  @Column({ name: 'parent_order_id', type: 'uuid', nullable: true }) parentOrderId!: string | null;
  @Column({ type: 'text', nullable: true }) venue!: string | null;
  /** The reference price when the order was submitted (for slippage): the sender's, else the mark. */
  @Column({ name: 'arrival_price', type: 'numeric', nullable: true }) arrivalPrice!: string | null;
  /** sha256 of the normalized request: a different body under a used client order id is a 409. */
  @Column({ name: 'request_hash', type: 'text' }) requestHash!: string;
  @Column({ name: 'replaces_order_id', type: 'uuid', nullable: true }) replacesOrderId!: string | null;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  /** What the pre-trade gate said of a denied order (message and figures), answered again on a repeat. */
  @Column({ name: 'reject_details', type: 'jsonb', nullable: true }) rejectDetails!: Record<string, unknown> | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** One status change of an order (`order_events`); `fromStatus` is null for the first. */
@Entity({ name: 'order_events' })
export class OrderEventEntity {
  @PrimaryColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId!: string;
  @Column({ name: 'from_status', type: 'text', nullable: true }) fromStatus!: OrderStatus | null;
  @Column({ name: 'to_status', type: 'text' }) toStatus!: OrderStatus;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'timestamptz' }) at!: Date;
}

/** One execution (`fills`), applied once per (broker, fill id). */
@Entity({ name: 'fills' })
export class FillEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) broker!: string;
  @Column({ name: 'fill_id', type: 'text' }) fillId!: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId!: string;
  @Column({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @Column({ type: 'text' }) symbol!: string;
  @Column({ type: 'text' }) side!: OrderSide;
  @Column({ type: 'numeric' }) quantity!: string;
  @Column({ type: 'numeric' }) price!: string;
  @Column({ type: 'numeric' }) commission!: string;
  @Column({ type: 'text', nullable: true }) venue!: string | null;
  @Column({ type: 'text', nullable: true }) liquidity!: 'maker' | 'taker' | null;
  @Column({ type: 'timestamptz' }) at!: Date;
}
