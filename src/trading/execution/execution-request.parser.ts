import { ValidationFailedError, type FieldIssue } from '../../common/errors/domain-error';
import { parseDecimal, formatDecimal } from '../../common/decimal';
import { TIMEFRAME_PATTERN } from '../../market-data/bars.validator';
import type { OrderSide } from '../orders/order.types';
import { DAY_MS } from './core';
import type { ExecutionAlgo, ExecutionRequest, ResolvedParams } from './execution.types';

/** Longest execution window one parent may have. */
export const MAX_WINDOW_DAYS = 30;

const COMMON_KEYS = ['startAt', 'endAt', 'durationSeconds', 'intervalSeconds', 'lotSize', 'arrivalPrice', 'barTimeframe'];
const ALGO_KEYS: Record<ExecutionAlgo, string[]> = {
  twap: [],
  vwap: ['bucketMinutes', 'profileDays'],
  pov: ['participation', 'minChildQuantity'],
  is: ['sigma', 'eta', 'gamma', 'epsilon', 'lambda'],
};

/** Reads `params` field by field, collecting every problem with its path. */
class ParamReader {
  readonly issues: FieldIssue[] = [];
  constructor(private readonly params: Record<string, unknown>) {}

  private fail(key: string, reason: string): undefined {
    this.issues.push({ field: `params.${key}`, reason });
    return undefined;
  }

  number(key: string, opts: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; fallback?: number }): number | undefined {
    const v = this.params[key];
    if (v === undefined) return opts.fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(key, 'must be a finite number');
    if (opts.integer && !Number.isInteger(v)) return this.fail(key, 'must be an integer');
    if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) return this.fail(key, `must be ${opts.exclusiveMin ? '>' : '>='} ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) return this.fail(key, `must be <= ${opts.max}`);
    return v;
  }

  required(key: string, value: number | undefined): number | undefined {
    if (value === undefined && this.params[key] === undefined) this.fail(key, 'is required');
    return value;
  }

  positiveDecimal(key: string, fallback?: string): string | undefined {
    const v = this.params[key];
    if (v === undefined) return fallback;
    const d = parseDecimal(v);
    if (d === null || !d.gt(0)) return this.fail(key, 'must be a positive decimal (string or number)');
    return formatDecimal(d);
  }

  time(key: string): number | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms)) return this.fail(key, 'must be an ISO 8601 date-time with Z or an offset');
    return ms;
  }
}

/**
 * Turns a POST body's algo, quantity and params into a resolved request (times filled in,
 * defaults applied), or a 400 naming every bad field. The schedule itself (lot and window
 * checks of the core) is computed by the service, which maps its errors to fields too.
 */
export function parseExecutionRequest(
  body: { algo: ExecutionAlgo; symbol: string; side: OrderSide; quantity: unknown; params?: Record<string, unknown> },
  now: number,
): ExecutionRequest {
  const params = body.params ?? {};
  const r = new ParamReader(params);
  const issues = r.issues;
  const quantity = parseDecimal(body.quantity);
  if (quantity === null || !quantity.gt(0)) issues.push({ field: 'quantity', reason: 'must be a positive decimal (string or number)' });
  const allowed = new Set([...COMMON_KEYS, ...ALGO_KEYS[body.algo]]);
  for (const key of Object.keys(params)) if (!allowed.has(key)) issues.push({ field: `params.${key}`, reason: `is not a parameter of ${body.algo}` });

  const startAt = r.time('startAt') ?? now;
  const explicitEnd = r.time('endAt');
  const duration = r.number('durationSeconds', { min: 0, exclusiveMin: true });
  if ((params.endAt === undefined) === (params.durationSeconds === undefined)) {
    issues.push({ field: 'params.endAt', reason: 'give exactly one of endAt and durationSeconds' });
  }
  const endAt = explicitEnd ?? (duration !== undefined ? startAt + duration * 1000 : undefined);
  if (endAt !== undefined && !(endAt > startAt)) issues.push({ field: 'params.endAt', reason: 'must be after startAt' });
  if (endAt !== undefined && endAt - startAt > MAX_WINDOW_DAYS * DAY_MS) issues.push({ field: 'params.endAt', reason: `the window may last at most ${MAX_WINDOW_DAYS} days` });
  if (endAt !== undefined && endAt <= now) issues.push({ field: 'params.endAt', reason: 'is in the past' });
  const intervalSeconds = r.required('intervalSeconds', r.number('intervalSeconds', { min: 0.1, max: 86_400 }));
  const lotSize = r.positiveDecimal('lotSize', '1');
  const arrivalPrice = r.positiveDecimal('arrivalPrice');
  let barTimeframe = '1m';
  if (params.barTimeframe !== undefined) {
    if (typeof params.barTimeframe !== 'string' || !TIMEFRAME_PATTERN.test(params.barTimeframe)) issues.push({ field: 'params.barTimeframe', reason: 'must be a timeframe such as 1m, 5m, 1h' });
    else barTimeframe = params.barTimeframe;
  }

  const common = { startAt, endAt: endAt ?? 0, intervalSeconds: intervalSeconds ?? 0, lotSize: lotSize ?? '1', barTimeframe, ...(arrivalPrice ? { arrivalPrice } : {}) };
  let resolved: ResolvedParams = common;
  if (body.algo === 'vwap') {
    const bucketMinutes = r.number('bucketMinutes', { min: 1, max: 1440, integer: true, fallback: 30 });
    if (bucketMinutes !== undefined && 1440 % bucketMinutes !== 0) issues.push({ field: 'params.bucketMinutes', reason: 'must divide a day (1440 minutes)' });
    const profileDays = r.number('profileDays', { min: 1, max: 250, integer: true, fallback: 20 });
    resolved = { ...common, bucketMinutes: bucketMinutes ?? 30, profileDays: profileDays ?? 20 };
  } else if (body.algo === 'pov') {
    const participation = r.required('participation', r.number('participation', { min: 0, exclusiveMin: true, max: 1 }));
    const minChildQuantity = r.positiveDecimal('minChildQuantity', lotSize ?? '1');
    resolved = { ...common, participation: participation ?? 0, minChildQuantity: minChildQuantity ?? '1' };
  } else if (body.algo === 'is') {
    const sigma = r.required('sigma', r.number('sigma', { min: 0 }));
    const eta = r.required('eta', r.number('eta', { min: 0, exclusiveMin: true }));
    const gamma = r.number('gamma', { min: 0, fallback: 0 });
    const epsilon = r.number('epsilon', { min: 0, fallback: 0 });
    const lambda = r.required('lambda', r.number('lambda', { min: 0 }));
    resolved = { ...common, sigma: sigma ?? 0, eta: eta ?? 0, gamma: gamma ?? 0, epsilon: epsilon ?? 0, lambda: lambda ?? 0 };
  }
  if (issues.length) throw new ValidationFailedError(`Invalid request: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
  return { algo: body.algo, symbol: body.symbol, side: body.side, quantity: formatDecimal(quantity!), params: resolved };
}
