export * from './alert-severity';
export * from './alert-windows';
export * from './trade-alert.rules';
