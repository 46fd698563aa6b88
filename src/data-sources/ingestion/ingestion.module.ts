import { Module } from '@nestjs/common';
import { IngestionController } from './ingestion.controller';
import { IngestionProcessor } from './ingestion.processor';
import { IngestionRunnerService } from './ingestion-runner.service';
import { IngestionRunsRepository } from './ingestion-runs.repository';
import { IngestionScheduler } from './ingestion.scheduler';

/** The runner of every registered provider (IngestionRegistry): schedules, runs, admin routes. */
@Module({
  controllers: [IngestionController],
  providers: [IngestionRunsRepository, IngestionRunnerService, IngestionScheduler, IngestionProcessor],
  exports: [IngestionRunnerService, IngestionScheduler],
})
export class IngestionModule {}
