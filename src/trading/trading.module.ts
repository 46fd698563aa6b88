import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrokerRegistry } from './brokers/broker.registry';
import { BrokerWiring } from './brokers/broker-wiring';
import { ExpectedCostService } from './slippage/expected-cost.service';
import { SlippageController } from './slippage/slippage.controller';
import { SlippageRepository } from './slippage/slippage.repository';
import { SlippageService } from './slippage/slippage.service';
import { SlippageMetricsService } from './slippage/slippage-metrics.service';
import { AlpacaModule } from './brokers/alpaca/alpaca.module';
import { PaperBrokerModule } from './brokers/paper/paper-broker.module';
import { RiskGateModule } from '../risk/risk-gate.module';
import { FillEntity, OrderEntity, OrderEventEntity } from './orders/order.entity';
import { ORDER_SUBMISSION } from './orders/order-submission.port';
import { OrdersApiService } from './orders/orders-api.service';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { OrdersService } from './orders/orders.service';
import { EquitySnapshotProcessor } from './portfolio/equity-snapshot.processor';
import { EquitySnapshotScheduler } from './portfolio/equity-snapshot.scheduler';
import { PortfolioController } from './portfolio/portfolio.controller';
import { PortfolioRepository } from './portfolio/portfolio.repository';
import { PortfolioService } from './portfolio/portfolio.service';
import { PositionEntity } from './portfolio/position.entity';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationRepository } from './reconciliation/reconciliation.repository';
import { ReconciliationScheduler } from './reconciliation/reconciliation.scheduler';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { ReconciliationState } from './reconciliation/reconciliation.state';

/**
 * The order management system: orders, fills, positions, cash and equity over HTTP; the
 * OrderSubmissionPort (ORDER_SUBMISSION) every order sender uses; the BrokerRegistry broker
 * modules register their factories in; the PRE_TRADE_GATE (the risk gate of RiskGateModule, which
 * is re-exported with the risk mode's sizing multiplier); the `trading` queue's daily equity snapshot.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OrderEntity, OrderEventEntity, FillEntity, PositionEntity]), PaperBrokerModule, AlpacaModule, RiskGateModule],
  controllers: [OrdersController, PortfolioController, ReconciliationController, SlippageController],
  providers: [
    BrokerRegistry,
    BrokerWiring,
    OrdersRepository,
    PortfolioRepository,
    PortfolioService,
    OrdersService,
    { provide: ORDER_SUBMISSION, useExisting: OrdersService },
    OrdersApiService,
    EquitySnapshotProcessor,
    EquitySnapshotScheduler,
    ReconciliationState,
    ReconciliationRepository,
    ReconciliationService,
    ReconciliationScheduler,
    SlippageRepository,
    SlippageService,
    SlippageMetricsService,
    ExpectedCostService,
  ],
  exports: [ORDER_SUBMISSION, OrdersService, PortfolioService, BrokerRegistry, RiskGateModule, ReconciliationService],
})
export class TradingModule {}
