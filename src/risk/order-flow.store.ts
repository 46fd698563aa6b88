import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { redisConnectionOptions } from '../queues/redis-connection';
import {
  duplicateDenial,
  duplicateKey,
  orderRateDenial,
  OrderFlowMemory,
  type OrderFlowLimits,
  type OrderFlowReservation,
} from './core/order-flow.memory';
import type { OrderFacts } from './core/pre-trade.checks';

/**
 * One atomic check-and-count in Redis (one round trip), on Redis's clock so that processes with
 * skewed clocks share one window. KEYS: the account's rate set, the order's duplicate key.
 * ARGV: max orders per minute (0: off), duplicate window ms (0: off), this order's member id.
 * Answers {0, 0} admitted (counted), {1, n} ORDER_RATE with n orders in the last minute,
 * {2, age ms} DUPLICATE_ORDER. The duplicate key holds "<ms>:<member>": when, and whose.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
  local n = redis.call('ZCARD', KEYS[1])
  if n >= max then return {1, n} end
end
if win > 0 then
  local seen = redis.call('GET', KEYS[2])
  if seen then return {2, now - tonumber(string.match(seen, '^(%d+)'))} end
end
if max > 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], 60000)
end
if win > 0 then
  redis.call('SET', KEYS[2], now .. ':' .. ARGV[3], 'PX', win)
end
return {0, 0}`;

/** How long the gate uses memory only after Redis failed or was slow to answer. */
const RETRY_AFTER_FAILURE_MS = 1000;

/** Takes an admitted order back (a later check denied it): its rate entry, and its duplicate key if still its own. */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local v = redis.call('GET', KEYS[2])
if v and string.match(v, ':(.+)$') == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 0`;

/**
 * The order-rate throttle (maxOrdersPerMinute) and the duplicate-order window
 * (duplicateWindowSeconds) held in Redis, so every QuantDesk process on one database and Redis
 * prefix counts the same orders: two processes together admit at most the limit.
 *
 * Cheap and synchronous in the submit path: nothing at all when neither limit is set, else ONE
 * Lua script call (check and count atomically), awaited at most RISK_ORDER_FLOW_TIMEOUT_MS. A
 * denial by a later gate check takes the reservation back off the request path.
 *
 * Redis is transport, not truth (DESIGN.md principle 5): when it is not connected, errs, or does
 * not answer in time, the gate falls back to this process's memory (OrderFlowMemory: the limits
 * then hold per process, as before) and logs a warning once per outage, so orders, the kill
 * switch and a flatten keep working with Redis down. The memory counts every order Redis
 * admitted too, so a fallback starts from this process's recent history, not from zero.
 */
@Injectable()
export class OrderFlowStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RiskOrderFlow');
  private readonly memory = new OrderFlowMemory();
  private readonly client: Redis;
  private readonly prefix: string;
  private degraded = false;
  private closing = false;
  /** After a failed or slow answer, Redis is not asked again before this (ms epoch): a hung Redis costs one timeout a second, not one per order. */
  private retryAt = 0;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.prefix = `${config.redisPrefix}:risk:flow`;
    // No offline queue: while disconnected a command fails at once (the fallback), never waits.
    this.client = new Redis({ ...redisConnectionOptions(config), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 3000 });
    this.client.on('error', (err: Error) => this.fallBack(`Redis error: ${err.message}`));
  }

  onModuleInit(): void {
    // In the background: a Redis that is down must not stop the app from starting.
    void this.client.connect().catch((err: Error) => this.fallBack(`cannot connect: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.client.disconnect();
  }

  /** The Redis connection's state (ioredis: 'ready' when commands go out). */
  get redisStatus(): string {
    return this.client.status;
  }

  /** False while the checks use the process-memory fallback. */
  get shared(): boolean {
    return !this.degraded;
  }

  async reserve(accountId: string, o: OrderFacts, limits: OrderFlowLimits, nowMs: number): Promise<OrderFlowReservation> {
    if (limits.maxOrdersPerMinute === undefined && limits.duplicateWindowSeconds === undefined) return { denial: null, release: () => undefined };
    if (this.client.status !== 'ready' || nowMs < this.retryAt) {
      this.fallBack(`Redis ${this.client.status}`);
      return this.memory.reserve(accountId, o, limits, nowMs);
    }
    const rateKey = `${this.prefix}:rate:${accountId}`;
    const dupKey = `${this.prefix}:dup:${duplicateKey(accountId, o)}`;
    const member = randomUUID();
    let answer: [number, number];
    try {
      answer = await this.withTimeout(
        this.client.eval(RESERVE, 2, rateKey, dupKey, limits.maxOrdersPerMinute ?? 0, Math.round((limits.duplicateWindowSeconds ?? 0) * 1000), member) as Promise<[number, number]>,
      );
    } catch (err) {
      this.retryAt = nowMs + RETRY_AFTER_FAILURE_MS;
      this.fallBack((err as Error).message);
      return this.memory.reserve(accountId, o, limits, nowMs);
    }
    if (this.degraded) {
      this.degraded = false;
      this.logger.log('Redis answers again: order-rate and duplicate checks are shared across processes again');
    }
    const [verdict, value] = answer;
    if (verdict === 1) return { denial: orderRateDenial(value, limits.maxOrdersPerMinute as number), release: () => undefined };
    if (verdict === 2) return { denial: duplicateDenial(value, limits.duplicateWindowSeconds as number), release: () => undefined };
    const local = this.memory.reserve(accountId, o, limits, nowMs);
    return {
      denial: null,
      release: () => {
        local.release();
        void this.client.eval(RELEASE, 2, rateKey, dupKey, member).catch((err: Error) => this.logger.warn(`Could not release an order-flow reservation in Redis: ${err.message}`));
      },
    };
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from Redis in ${this.config.riskOrderFlowTimeoutMs} ms`)), this.config.riskOrderFlowTimeoutMs);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private fallBack(reason: string): void {
    if (this.degraded || this.closing) return;
    this.degraded = true;
    this.logger.warn(`Order-rate and duplicate-order checks fall back to this process's memory (${reason}): until Redis answers, each process enforces the limits on its own orders only`);
  }
}
