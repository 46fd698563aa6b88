import type { ParamValue } from '../core/strategy-params';

/** A deployment's life: running until paused or stopped; failed when its strategy cannot run. */
export const DEPLOYMENT_STATUSES = ['running', 'paused', 'stopped', 'failed'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const DEPLOYMENT_MODES = ['paper', 'live'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

export interface Deployment {
  readonly id: string;
  readonly accountId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly mode: DeploymentMode;
  /** Capital the targets are fractions of (the backtester's equity). */
  readonly capital: number;
  /** Exposure scale the risk mode and the regime set (1: as the strategy says). */
  readonly multiplier: number;
  readonly lotSize: number;
  /** The position sizer (src/trading/sizing) that turns a target into a quantity, and its parameters. */
  readonly sizer: string;
  readonly sizerParams: Readonly<Record<string, ParamValue>>;
  /** Bars of history the strategy sees at each decision (its warm-up must fit). */
  readonly lookbackBars: number;
  /** A registered model (src/ml) whose champion's prediction is the strategy's signal input; null: none. */
  readonly model: string | null;
  readonly status: DeploymentStatus;
  /** Close time (epoch ms) of the last bar acted on; null before the first decision. */
  readonly lastBarMs: number | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewDeployment = Omit<Deployment, 'id' | 'status' | 'lastBarMs' | 'error' | 'createdAt' | 'updatedAt'> & { readonly createdByKeyId: string };

export interface DeploymentOrder {
  readonly deploymentId: string;
  readonly barMs: number;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  /** Positive decimal text. */
  readonly quantity: string;
  readonly target: number;
  readonly targetQuantity: string;
  readonly price: number;
  readonly status: 'pending' | 'submitted' | 'failed';
  readonly orderId: string | null;
  readonly orderStatus: string | null;
  readonly error: string | null;
}
