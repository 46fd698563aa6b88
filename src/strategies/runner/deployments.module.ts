import { Module, type DynamicModule, type ModuleMetadata, type OnModuleInit } from '@nestjs/common';
import { BacktestingModule } from '../../backtesting/backtesting.module';
import { MarketDataFeedModule } from '../../data-sources/market-data/market-data-feed.module';
import { MarketDataFeedService } from '../../data-sources/market-data/market-data-feed.service';
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
 * specs. Running deployments' symbols are a symbol source of the live market-data feed, so a
 * configured feed streams the bars they tick on.
 */
@Module({})
export class DeploymentsModule implements OnModuleInit {
  constructor(
    private readonly feed: MarketDataFeedService,
    private readonly repo: DeploymentsRepository,
  ) {}

  onModuleInit(): void {
    this.feed.addSymbolSource('deployments', () => this.repo.runningSymbols());
  }

  static withOrders(orders: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: DeploymentsModule,
      imports: [BacktestingModule, MarketDataFeedModule, orders],
      controllers: [DeploymentsController],
      providers: [DeploymentsRepository, DeploymentRunnerService, DeploymentsService, DeploymentsProcessor, DeploymentsScheduler],
      exports: [DeploymentRunnerService, DeploymentsScheduler],
    };
  }
}
