export * from './risk-limits';
export * from './risk-mode';
export * from './pre-trade.checks';
export * from './order-flow.memory';
export * from './risk-measures';
