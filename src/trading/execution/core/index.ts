export * from './schedule.types';
export * from './lot-allocation';
export * from './twap.schedule';
export * from './volume-profile.estimator';
export * from './vwap.schedule';
export * from './almgren-chriss.schedule';
export * from './pov.schedule';
export * from './execution-quality';
