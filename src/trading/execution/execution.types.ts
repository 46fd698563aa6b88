import type { OrderSide } from '../orders/order.types';

/** twap, vwap, pov (percentage of volume) and is (implementation shortfall, Almgren-Chriss). */
export const EXECUTION_ALGOS = ['twap', 'vwap', 'pov', 'is'] as const;
export type ExecutionAlgo = (typeof EXECUTION_ALGOS)[number];

/** A parent's life: running ⇄ paused, then cancelled, completed or failed (final). */
export const PARENT_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed'] as const;
export type ParentStatus = (typeof PARENT_STATUSES)[number];
export const FINAL_PARENT_STATUSES: ReadonlySet<ParentStatus> = new Set(['cancelled', 'completed', 'failed']);

/** pending: not sent yet; sent: the child is working; done: the child finished (filled or closed by the OMS); skipped: never sent, or refused. */
export const SLICE_STATUSES = ['pending', 'sent', 'done', 'skipped'] as const;
export type SliceStatus = (typeof SLICE_STATUSES)[number];

/** Parameters every algorithm takes, resolved (times in epoch ms, decimals as text). */
export interface CommonParams {
  readonly startAt: number;
  readonly endAt: number;
  /** Between slices (TWAP/VWAP/IS) or between POV's looks at the volume. */
  readonly intervalSeconds: number;
  readonly lotSize: string;
  /** The decision price; when absent the latest stored close at creation is used. */
  readonly arrivalPrice?: string;
  /** Bars used for VWAP's profile and the market VWAP of the quality figures. */
  readonly barTimeframe: string;
}

export interface VwapParams extends CommonParams {
  readonly bucketMinutes: number;
  readonly profileDays: number;
}

export interface PovParams extends CommonParams {
  readonly participation: number;
  readonly minChildQuantity: string;
}

export interface IsParams extends CommonParams {
  readonly sigma: number;
  readonly eta: number;
  readonly gamma: number;
  readonly epsilon: number;
  readonly lambda: number;
}

export type ResolvedParams = CommonParams | VwapParams | PovParams | IsParams;

export interface ExecutionRequest {
  readonly algo: ExecutionAlgo;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Decimal text. */
  readonly quantity: string;
  readonly params: ResolvedParams;
}
