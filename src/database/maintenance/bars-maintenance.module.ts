import { Module } from '@nestjs/common';
import { MarketDataModule } from '../../market-data/market-data.module';
import { BarsMaintenanceProcessor } from './bars-maintenance.processor';
import { BarsMaintenanceRepository } from './bars-maintenance.repository';
import { BarsMaintenanceScheduler } from './bars-maintenance.scheduler';

/**
 * Upkeep of the `bars` time series (partitions, retention, aggregate refresh) as jobs on the
 * `maintenance` queue. The processor is registered in every role, but @nestjs/bullmq starts its
 * worker only in worker/all processes (QueuesModule's manualRegistration).
 */
@Module({
  imports: [MarketDataModule],
  providers: [BarsMaintenanceRepository, BarsMaintenanceProcessor, BarsMaintenanceScheduler],
  exports: [BarsMaintenanceScheduler],
})
export class BarsMaintenanceModule {}
