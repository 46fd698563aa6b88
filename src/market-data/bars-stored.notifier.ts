import { Injectable, Logger } from '@nestjs/common';

/** A bar that changed the `bars` table: the newest of an import, or one that arrived from the live feed. */
export interface StoredBar {
  readonly symbol: string;
  readonly timeframe: string;
  /** Bar time (the table's `ts`). */
  readonly time: Date;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  readonly volume: number | null;
}

/**
 * In-process news of stored bars, for what must react at once in this process (the paper broker
 * matching resting orders against the new price). Only the newest bar of an import is told: a
 * file of history is not market data arriving; every bar the live feed stores (or its gap
 * backfill recovers) is, in time order. Listeners run after the write committed;
 * one that throws is logged and does not affect the import or the other listeners.
 */
@Injectable()
export class BarsStoredNotifier {
  private readonly logger = new Logger('BarsStored');
  private readonly listeners: ((bar: StoredBar) => Promise<void> | void)[] = [];

  onStored(listener: (bar: StoredBar) => Promise<void> | void): void {
    this.listeners.push(listener);
  }

  async notify(bar: StoredBar): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(bar);
      } catch (err) {
        this.logger.warn(`A bars listener failed for ${bar.symbol} ${bar.timeframe}: ${(err as Error).message}`);
      }
    }
  }
}
