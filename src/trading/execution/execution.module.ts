import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { MarketDataModule } from '../../market-data/market-data.module';
import { ExecutionBarsRepository } from './execution-bars.repository';
import { ExecutionOrderUpdates } from './execution-order-updates';
import { ExecutionProcessor } from './execution.processor';
import { ExecutionTimers } from './execution-timers.service';
import { ExecutionsController } from './executions.controller';
import { ExecutionsService } from './executions.service';
import { ParentOrdersRepository } from './parent-orders.repository';

export interface ExecutionModuleOptions {
  /**
   * Modules that together export the ORDER_SUBMISSION provider (the OMS's OrderSubmissionPort,
   * src/trading/orders/order-submission.port.ts). The execution module sends every child
   * through it and owns no order itself.
   */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Execution algorithms: parent orders (TWAP, VWAP, POV, IS) over HTTP, their stored schedules,
 * the `execution` queue's timers (the processor's worker runs in worker/all processes only) and
 * ExecutionsService, whose `onChildFill` / `onChildClosed` / `onMarketVolume` the OMS and the
 * market-data feed call.
 */
@Module({})
export class ExecutionModule {
  static forRoot(options: ExecutionModuleOptions): DynamicModule {
    return {
      module: ExecutionModule,
      imports: [MarketDataModule, ...options.imports],
      controllers: [ExecutionsController],
      providers: [ParentOrdersRepository, ExecutionBarsRepository, ExecutionTimers, ExecutionsService, ExecutionProcessor, ExecutionOrderUpdates],
      exports: [ExecutionsService],
    };
  }
}
