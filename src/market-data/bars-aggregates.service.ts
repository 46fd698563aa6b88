import { Injectable, Logger } from '@nestjs/common';
import { BarsRepository } from './bars.repository';

/**
 * Keeps the 1h/1d aggregates of 1-minute bars current. On plain PostgreSQL `bars_1h` and
 * `bars_1d` are materialized views: `refresh()` recomputes them with REFRESH MATERIALIZED VIEW
 * CONCURRENTLY (readers keep the old rows meanwhile; the views' unique index on (symbol, ts)
 * allows it). Imports of minute bars call it, and so does the scheduled refresh job. On
 * TimescaleDB they are real-time continuous aggregates, so there is nothing to do.
 */
@Injectable()
export class BarsAggregatesService {
  private readonly logger = new Logger(BarsAggregatesService.name);

  constructor(private readonly bars: BarsRepository) {}

  /** Refreshes the views; returns the names refreshed (empty on TimescaleDB). */
  async refresh(): Promise<string[]> {
    const started = Date.now();
    const views = await this.bars.refreshAggregateViews();
    if (views.length) this.logger.debug(`Refreshed ${views.join(', ')} in ${Date.now() - started} ms`);
    return views;
  }
}
