import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { WinstonModule } from 'nest-winston';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { QueuesModule } from './queues/queues.module';
import { BarsMaintenanceModule } from './database/maintenance/bars-maintenance.module';
import { QueuesDashboardModule } from './queues/queues-dashboard.module';
import { MetricsModule } from './monitoring/metrics/metrics.module';
import { CacheModule } from './common/cache/cache.module';
import { BarsProvidersModule } from './data-sources/market-data/bars-providers.module';
import { createWinstonOptions } from './monitoring/logging/logger.factory';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation.pipe';
import { HealthModule } from './health/health.module';
import { MarketDataModule } from './market-data/market-data.module';
import { AuthModule } from './auth/auth.module';
import { BacktestingModule } from './backtesting/backtesting.module';
import { StrategiesModule } from './strategies/strategies.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { RoutingModule } from './trading/routing/routing.module';
import { TradingModule } from './trading/trading.module';
import { DeploymentsModule } from './strategies/runner/deployments.module';
import { ExecutionModule } from './trading/execution/execution.module';
import { AlertsModule } from './alerts/alerts.module';
import { MarketDataFeedModule } from './data-sources/market-data/market-data-feed.module';
import { RiskModule } from './risk/risk.module';
import { IngestionRegistryModule } from './data-sources/ingestion/ingestion-registry.module';
import { SentimentScoringModule } from './data-sources/sentiment/sentiment-scoring.module';
import { IngestionModule } from './data-sources/ingestion/ingestion.module';
import { NewsModule } from './data-sources/news/news.module';
import { SocialModule } from './data-sources/social/social.module';
import { FilingsModule } from './data-sources/filings/filings.module';
import { MlModule } from './ml/ml.module';

/**
 * The server: every feature module, on one validated config. `forRoot` takes the config that
 * main.ts (or a test) loaded, so the process role decides which workers start.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    // One instance, imported by the risk module too (its kill switch cancels parent orders).
    const execution = ExecutionModule.forRoot({ imports: [TradingModule] });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        WinstonModule.forRoot(
          createWinstonOptions({
            level: config.logLevel,
            stream: 'stdout',
            logstash: { url: config.logstashUrl, bufferSize: config.logstashBufferSize, reconnectMs: config.logstashReconnectMs },
          }),
        ),
        DatabaseModule,
        QueuesModule.forRoot(config),
        BarsMaintenanceModule,
        QueuesDashboardModule,
        MetricsModule,
        CacheModule,
        HealthModule,
        AuthModule,
        AlertsModule,
        IngestionRegistryModule,
        SentimentScoringModule,
        IngestionModule,
        NewsModule,
        SocialModule,
        FilingsModule,
        MarketDataModule,
        MarketDataFeedModule,
        BarsProvidersModule,
        BacktestingModule,
        StrategiesModule,
        AnalyticsModule,
        TradingModule,
        RoutingModule,
        DeploymentsModule.withOrders(TradingModule),
        execution,
        RiskModule.forRoot({ imports: [TradingModule, execution] }),
        MlModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

