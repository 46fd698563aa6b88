import { Module } from '@nestjs/common';
import { PRE_TRADE_GATE } from '../trading/orders/pre-trade-gate';
import { RISK_SIZING } from '../trading/sizing/risk-sizing.port';
import { OrderFlowStore } from './order-flow.store';
import { RiskGate } from './risk.gate';
import { RiskRepository } from './risk.repository';
import { RiskStateService } from './risk-state.service';

/**
 * The part of risk the order path needs and nothing else: modes and limits in memory, the
 * pre-trade gate (PRE_TRADE_GATE) and the sizing multiplier of the risk mode (RISK_SIZING).
 * It depends on the database only, so TradingModule imports it without a cycle; RiskModule (the
 * routes, the kill switch, the automatic rules, the measures) imports TradingModule.
 */
@Module({
  providers: [RiskRepository, RiskStateService, OrderFlowStore, RiskGate, { provide: PRE_TRADE_GATE, useExisting: RiskGate }, { provide: RISK_SIZING, useExisting: RiskStateService }],
  exports: [RiskRepository, RiskStateService, RiskGate, PRE_TRADE_GATE, RISK_SIZING],
})
export class RiskGateModule {}
