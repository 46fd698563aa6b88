import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BacktestsController } from './backtests.controller';
import { MonteCarloController } from './monte-carlo.controller';
import { OptimizationsController } from './optimizations.controller';
import { WalkForwardsController } from './walk-forwards.controller';
import { ResearchBarsRepository } from './research-bars.repository';
import { ResearchDataService } from './research-data.service';
import { ResearchJobHandlers } from './research-job.handlers';
import { ResearchOutboxScheduler } from './research-outbox.scheduler';
import { ResearchOutboxService } from './research-outbox.service';
import { ResearchProcessor } from './research.processor';
import { ResearchRunnerService } from './research-runner.service';
import { ResearchRunsRepository } from './research-runs.repository';
import { ResearchRunEntity } from './research-runs.entity';
import { ResearchRunsService } from './research-runs.service';
import { ResearchSweepsService } from './research-sweeps.service';

/**
 * Research runs over HTTP and the `research` queue: backtests, optimizations, walk-forwards and
 * Monte Carlo runs (and the analytics module's runs, through ResearchJobHandlers) recorded in PostgreSQL, computed by the research processor (its worker starts only in
 * worker/all processes: QueuesModule's manualRegistration), and the outbox sweep.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ResearchRunEntity])],
  controllers: [BacktestsController, OptimizationsController, WalkForwardsController, MonteCarloController],
  providers: [
    ResearchRunsRepository,
    ResearchBarsRepository,
    ResearchDataService,
    ResearchOutboxService,
    ResearchOutboxScheduler,
    ResearchRunnerService,
    ResearchSweepsService,
    ResearchRunsService,
    ResearchProcessor,
    ResearchJobHandlers,
  ],
  exports: [ResearchRunsService, ResearchOutboxService, ResearchOutboxScheduler, ResearchDataService, ResearchJobHandlers],
})
export class BacktestingModule {}
