import { createHash } from 'node:crypto';
import type { FieldIssue } from '../../common/errors/domain-error';
import { formatDecimal, type Decimal } from '../../common/decimal';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import type { SubmittedOrder } from './order-submission.port';
import { ORDER_SIDES, ORDER_TYPES, TIME_IN_FORCE } from './order.types';

/** Client order ids: what Alpaca accepts (up to 48 there; 64 here), no spaces. */
export const CLIENT_ORDER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

const NEEDS_LIMIT = new Set(['limit', 'stop_limit']);
const NEEDS_STOP = new Set(['stop', 'stop_limit']);

/**
 * The checks every submitted order passes, whoever sends it (API, runner, algos): each issue
 * names its field. limitPrice is required for limit and stop_limit and refused otherwise;
 * stopPrice likewise for stop and stop_limit; quantity and prices > 0.
 */
export function orderIssues(o: SubmittedOrder): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!CLIENT_ORDER_ID_PATTERN.test(o.clientOrderId)) {
    issues.push({ field: 'clientOrderId', reason: 'clientOrderId must be 1 to 64 letters, digits or . _ : -' });
  }
  if (!SYMBOL_PATTERN.test(o.symbol)) issues.push({ field: 'symbol', reason: 'symbol must be 1 to 32 letters, digits or . _ - /' });
  if (!ORDER_SIDES.includes(o.side)) issues.push({ field: 'side', reason: `side must be one of ${ORDER_SIDES.join(', ')}` });
  if (!ORDER_TYPES.includes(o.type)) issues.push({ field: 'type', reason: `type must be one of ${ORDER_TYPES.join(', ')}` });
  if (!TIME_IN_FORCE.includes(o.timeInForce)) issues.push({ field: 'timeInForce', reason: `timeInForce must be one of ${TIME_IN_FORCE.join(', ')}` });
  if (!o.quantity.isFinite() || !o.quantity.gt(0)) issues.push({ field: 'quantity', reason: 'quantity must be greater than 0' });
  priceIssue(issues, 'limitPrice', o.limitPrice, NEEDS_LIMIT.has(o.type), o.type);
  priceIssue(issues, 'stopPrice', o.stopPrice, NEEDS_STOP.has(o.type), o.type);
  if (o.arrivalPrice !== undefined && !o.arrivalPrice.gt(0)) issues.push({ field: 'arrivalPrice', reason: 'arrivalPrice must be greater than 0' });
  return issues;
}

function priceIssue(issues: FieldIssue[], field: string, value: Decimal | undefined, required: boolean, type: string): void {
  if (value === undefined) {
    if (required) issues.push({ field, reason: `${field} is required for ${type} orders` });
    return;
  }
  if (!required) issues.push({ field, reason: `${field} must not be given for ${type} orders` });
  else if (!value.isFinite() || !value.gt(0)) issues.push({ field, reason: `${field} must be greater than 0` });
}

/**
 * sha256 of the normalized request: decimals in canonical text ("10", 10 and "10.0" are the
 * same order), absent fields as null. Equal hashes under one client order id are a repeat;
 * different ones a conflict (409).
 */
export function requestHash(o: SubmittedOrder, extra: Readonly<Record<string, string | null>> = {}): string {
  const dec = (v: Decimal | undefined): string | null => (v === undefined ? null : formatDecimal(v));
  const canonical = {
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity: dec(o.quantity),
    limitPrice: dec(o.limitPrice),
    stopPrice: dec(o.stopPrice),
    timeInForce: o.timeInForce,
    parentOrderId: o.parentOrderId ?? null,
    venue: o.venue ?? null,
    ...extra,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
