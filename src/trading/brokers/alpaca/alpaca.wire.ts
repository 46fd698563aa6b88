/**
 * Alpaca Trading API v2 bodies as Alpaca sends them (https://docs.alpaca.markets/reference),
 * reduced to the fields QuantDesk reads. Decimals arrive as strings ("qty": "10"); timestamps
 * as RFC 3339 strings. Readers here check each field they use and throw AlpacaWireError naming
 * it, so a changed or truncated answer fails loudly instead of becoming a wrong number.
 */

export class AlpacaWireError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`Alpaca answer: ${field} ${reason}`);
    this.name = 'AlpacaWireError';
  }
}

/** Order statuses Alpaca documents ("Order Lifecycle"). */
export const ALPACA_ORDER_STATUSES = [
  'new',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'rejected',
  'suspended',
  'calculated',
  'stopped',
  'held',
] as const;
export type AlpacaOrderStatus = (typeof ALPACA_ORDER_STATUSES)[number];

export interface AlpacaOrder {
  readonly id: string;
  readonly client_order_id: string;
  readonly created_at: string;
  readonly updated_at: string | null;
  readonly submitted_at: string | null;
  readonly symbol: string;
  readonly qty: string | null;
  readonly filled_qty: string;
  readonly filled_avg_price: string | null;
  readonly type: string;
  readonly side: string;
  readonly time_in_force: string;
  readonly limit_price: string | null;
  readonly stop_price: string | null;
  readonly status: string;
  readonly replaced_by: string | null;
  readonly replaces: string | null;
}

export interface AlpacaPosition {
  readonly symbol: string;
  readonly qty: string;
  readonly avg_entry_price: string;
  readonly side: string;
}

export interface AlpacaAccount {
  readonly cash: string;
  readonly equity: string;
  readonly buying_power: string;
}

/** One entry of GET /v2/account/activities/FILL. */
export interface AlpacaFillActivity {
  readonly id: string;
  readonly activity_type: string;
  readonly transaction_time: string;
  readonly price: string;
  readonly qty: string;
  readonly side: string;
  readonly symbol: string;
  readonly order_id: string;
  readonly cum_qty: string | null;
  readonly leaves_qty: string | null;
}

/** The `data` of a `trade_updates` stream message. */
export interface AlpacaTradeUpdate {
  readonly event: string;
  readonly execution_id: string | null;
  readonly timestamp: string | null;
  readonly price: string | null;
  readonly qty: string | null;
  readonly order: AlpacaOrder;
}

/** Alpaca's error body: `{"code": 40310000, "message": "insufficient buying power"}`. */
export interface AlpacaErrorBody {
  readonly code: number | null;
  readonly message: string;
}

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AlpacaWireError(field, 'must be an object');
  return value as Json;
}

function str(o: Json, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new AlpacaWireError(`${at}.${key}`, 'must be a non-empty string');
  return v;
}

function optStr(o: Json, key: string, at: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new AlpacaWireError(`${at}.${key}`, 'must be a string or null');
  return v;
}

export function readOrder(value: unknown, at = 'order'): AlpacaOrder {
  const o = object(value, at);
  return {
    id: str(o, 'id', at),
    client_order_id: str(o, 'client_order_id', at),
    created_at: str(o, 'created_at', at),
    updated_at: optStr(o, 'updated_at', at),
    submitted_at: optStr(o, 'submitted_at', at),
    symbol: str(o, 'symbol', at),
    qty: optStr(o, 'qty', at),
    filled_qty: optStr(o, 'filled_qty', at) ?? '0',
    filled_avg_price: optStr(o, 'filled_avg_price', at),
    // `order_type` is the older spelling of `type`; Alpaca sends both.
    type: optStr(o, 'type', at) ?? str(o, 'order_type', at),
    side: str(o, 'side', at),
    time_in_force: str(o, 'time_in_force', at),
    limit_price: optStr(o, 'limit_price', at),
    stop_price: optStr(o, 'stop_price', at),
    status: str(o, 'status', at),
    replaced_by: optStr(o, 'replaced_by', at),
    replaces: optStr(o, 'replaces', at),
  };
}

export function readArray<T>(value: unknown, at: string, read: (item: unknown, at: string) => T): T[] {
  if (!Array.isArray(value)) throw new AlpacaWireError(at, 'must be an array');
  return value.map((item, i) => read(item, `${at}[${i}]`));
}

export function readPosition(value: unknown, at = 'position'): AlpacaPosition {
  const o = object(value, at);
  return { symbol: str(o, 'symbol', at), qty: str(o, 'qty', at), avg_entry_price: str(o, 'avg_entry_price', at), side: str(o, 'side', at) };
}

export function readAccount(value: unknown, at = 'account'): AlpacaAccount {
  const o = object(value, at);
  return { cash: str(o, 'cash', at), equity: str(o, 'equity', at), buying_power: str(o, 'buying_power', at) };
}

export function readFillActivity(value: unknown, at = 'activity'): AlpacaFillActivity {
  const o = object(value, at);
  return {
    id: str(o, 'id', at),
    activity_type: str(o, 'activity_type', at),
    transaction_time: str(o, 'transaction_time', at),
    price: str(o, 'price', at),
    qty: str(o, 'qty', at),
    side: str(o, 'side', at),
    symbol: str(o, 'symbol', at),
    order_id: str(o, 'order_id', at),
    cum_qty: optStr(o, 'cum_qty', at),
    leaves_qty: optStr(o, 'leaves_qty', at),
  };
}

export function readTradeUpdate(value: unknown, at = 'trade_update'): AlpacaTradeUpdate {
  const o = object(value, at);
  return {
    event: str(o, 'event', at),
    execution_id: optStr(o, 'execution_id', at),
    timestamp: optStr(o, 'timestamp', at),
    price: optStr(o, 'price', at),
    qty: optStr(o, 'qty', at),
    order: readOrder(o.order, `${at}.order`),
  };
}

/** Alpaca's error body, or a stand-in when the body is not one (a proxy's HTML page, empty). */
export function readErrorBody(value: unknown, fallback: string): AlpacaErrorBody {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Json;
    const message = typeof o.message === 'string' && o.message !== '' ? o.message : fallback;
    return { code: typeof o.code === 'number' ? o.code : null, message };
  }
  return { code: null, message: fallback };
}
