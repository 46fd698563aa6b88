import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { BacktestingModule } from '../../backtesting/backtesting.module';
import { DeploymentRunnerService } from './deployment-runner.service';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsProcessor } from './deployments.processor';
import { DeploymentsRepository } from './deployments.repository';
import { DeploymentsScheduler } from './deployments.scheduler';
import { DeploymentsService } from './deployments.service';

/**
 * The strategy runner: deployments over HTTP, the `deployments` queue's tick and its schedule.
 * `orders` is the module that provides the one submission path (the ORDER_SUBMISSION token of
 * src/trading/orders/order-submission.port.ts): the trading module in the app, a test module in
 * specs.
 */
@Module({})
export class DeploymentsModule {
  static withOrders(orders: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: DeploymentsModule,
      imports: [BacktestingModule, orders],
      controllers: [DeploymentsController],
      providers: [DeploymentsRepository, DeploymentRunnerService, DeploymentsService, DeploymentsProcessor, DeploymentsScheduler],
      exports: [DeploymentRunnerService, DeploymentsScheduler],
    };
  }
}
