import { Module } from '@nestjs/common';
import { ResearchBarsRepository } from '../backtesting/research-bars.repository';
import { ResearchDataService } from '../backtesting/research-data.service';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';

/**
 * Statistical tests over HTTP (ADF, Engle-Granger, Johansen, HMM regimes, pairs scan). Stored bars are read
 * through the research runs' own data service and repository (provided here, stateless), so a
 * symbol's closes and their alignment are the same for a test as for a backtest.
 */
@Module({
  controllers: [AnalyticsController],
  providers: [ResearchBarsRepository, ResearchDataService, AnalyticsService],
})
export class AnalyticsModule {}
