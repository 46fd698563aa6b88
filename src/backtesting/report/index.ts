export { renderTearsheet } from './tearsheet.renderer';
export { writeTearsheet } from './tearsheet.writer';
export { type TearsheetInput, type TearsheetParamValue, type NumericSeries, validateTearsheetInput, drawdownFromEquity } from './tearsheet-input';
export { TearsheetInputError, type TearsheetInputProblem } from './tearsheet-input.error';
export { monthlyReturns, type MonthlyReturnsTable } from './monthly-returns';
export { rollingSharpe } from './rolling-sharpe';
export { tradeHistogram, type TradeHistogram } from './trade-histogram';
export { minMaxDecimate } from './min-max-decimation';
export { escapeHtml } from './html-escape';
