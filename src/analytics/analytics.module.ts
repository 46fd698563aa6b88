import { Module } from '@nestjs/common';
import { BacktestingModule } from '../backtesting/backtesting.module';
import { ResearchBarsRepository } from '../backtesting/research-bars.repository';
import { ResearchDataService } from '../backtesting/research-data.service';
import { AnalyticsController, AnalyticsRunsController } from './analytics.controller';
import { AnalyticsRunsService } from './analytics-runs.service';
import { AnalyticsService } from './analytics.service';

/**
 * Statistical tests over HTTP (ADF, Engle-Granger, Johansen, HMM regimes, pairs scan). Stored bars are read
 * through the research runs' own data service and repository (provided here, stateless), so a
 * symbol's closes and their alignment are the same for a test as for a backtest. Requests
 * beyond the request budgets become research runs of kind `analytics` (BacktestingModule's
 * runs, queue and processor; the computation is registered in its ResearchJobHandlers).
 */
@Module({
  imports: [BacktestingModule],
  controllers: [AnalyticsController, AnalyticsRunsController],
  providers: [ResearchBarsRepository, ResearchDataService, AnalyticsService, AnalyticsRunsService],
})
export class AnalyticsModule {}
