import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { MarketDataModule } from '../market-data/market-data.module';
import { KillSwitchService } from './kill-switch.service';
import { RiskAdminService } from './risk-admin.service';
import { RiskAdminController, RiskController } from './risk.controller';
import { RiskGateModule } from './risk-gate.module';
import { RiskMeasuresService } from './risk-measures.service';
import { RiskMonitorService } from './risk-monitor.service';
import { RiskSnapshotProcessor } from './risk-snapshot.processor';
import { RiskSnapshotScheduler } from './risk-snapshot.scheduler';

export interface RiskModuleOptions {
  /**
   * Modules that together export OrdersService and PortfolioService (TradingModule) and
   * ExecutionsService (the app's one ExecutionModule instance): the kill switch cancels through
   * them, the automatic rules listen to the OMS's fills.
   */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Risk over HTTP and in the background: GET /api/v1/risk/status, the admin routes (modes,
 * limits, kill switch, audit), the automatic transitions, the measures and their schedule. The
 * gate itself is RiskGateModule's (imported by TradingModule), whose state this module shares.
 */
@Module({})
export class RiskModule {
  static forRoot(options: RiskModuleOptions): DynamicModule {
    return {
      module: RiskModule,
      imports: [RiskGateModule, MarketDataModule, ...options.imports],
      controllers: [RiskController, RiskAdminController],
      providers: [KillSwitchService, RiskAdminService, RiskMonitorService, RiskMeasuresService, RiskSnapshotProcessor, RiskSnapshotScheduler],
      exports: [RiskMonitorService, RiskMeasuresService, KillSwitchService],
    };
  }
}
