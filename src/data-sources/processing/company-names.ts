import type { SymbolUniverse } from './core/symbol-extraction';

/**
 * The default company-name map: the Dow 30 and the largest US listings by the names news uses.
 * Extended by config (NEWS_COMPANY_NAMES, "name=TICKER;name=TICKER"); the tickers of every
 * configured symbol list join the universe.
 */
export const DEFAULT_COMPANY_NAMES: ReadonlyMap<string, string> = new Map([
  ['apple', 'AAPL'],
  ['microsoft', 'MSFT'],
  ['amazon', 'AMZN'],
  ['alphabet', 'GOOGL'],
  ['google', 'GOOGL'],
  ['meta platforms', 'META'],
  ['facebook', 'META'],
  ['nvidia', 'NVDA'],
  ['tesla', 'TSLA'],
  ['berkshire hathaway', 'BRK.B'],
  ['jpmorgan', 'JPM'],
  ['goldman sachs', 'GS'],
  ['visa', 'V'],
  ['mastercard', 'MA'],
  ['unitedhealth', 'UNH'],
  ['johnson & johnson', 'JNJ'],
  ['procter & gamble', 'PG'],
  ['home depot', 'HD'],
  ['chevron', 'CVX'],
  ['exxon', 'XOM'],
  ['exxonmobil', 'XOM'],
  ['coca-cola', 'KO'],
  ['pfizer', 'PFE'],
  ['merck', 'MRK'],
  ['walmart', 'WMT'],
  ['disney', 'DIS'],
  ['boeing', 'BA'],
  ['caterpillar', 'CAT'],
  ['intel', 'INTC'],
  ['cisco', 'CSCO'],
  ['ibm', 'IBM'],
  ['salesforce', 'CRM'],
  ['mcdonald\'s', 'MCD'],
  ['nike', 'NKE'],
  ['3m', 'MMM'],
  ['american express', 'AXP'],
  ['honeywell', 'HON'],
  ['verizon', 'VZ'],
  ['amgen', 'AMGN'],
  ['dow inc', 'DOW'],
  ['travelers', 'TRV'],
  ['walgreens', 'WBA'],
  ['netflix', 'NFLX'],
  ['amd', 'AMD'],
  ['advanced micro devices', 'AMD'],
  ['oracle', 'ORCL'],
  ['broadcom', 'AVGO'],
  ['gamestop', 'GME'],
  ['amc entertainment', 'AMC'],
  ['palantir', 'PLTR'],
]);

/** The universe: configured symbols plus every ticker of the name map. */
export function symbolUniverse(symbols: readonly string[], extraNames: ReadonlyMap<string, string> = new Map()): SymbolUniverse {
  const companyNames = new Map([...DEFAULT_COMPANY_NAMES, ...extraNames]);
  return { tickers: new Set([...symbols.map((s) => s.toUpperCase()), ...companyNames.values()]), companyNames };
}
