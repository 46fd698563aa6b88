import { symbolUniverse } from '../company-names';
import { extractSymbols } from './symbol-extraction';

describe('extractSymbols', () => {
  const u = symbolUniverse(['SPY', 'IT', 'F']);

  it('finds cashtags, known bare tickers and company names, in order, once each', () => {
    expect(extractSymbols('$TSLA and NVDA up; Apple and apple again, $tsla', u)).toEqual(['TSLA', 'NVDA', 'AAPL']);
    expect(extractSymbols('Goldman Sachs upgrades Microsoft', u)).toEqual(['GS', 'MSFT']);
    expect(extractSymbols("Apple's iPhone sales", u)).toEqual(['AAPL']);
  });

  it('takes a cashtag even outside the universe, a bare ticker only inside it', () => {
    expect(extractSymbols('$XYZQ squeeze; ABCD is not a ticker we know', u)).toEqual(['XYZQ']);
    expect(extractSymbols('$BRK.B holders', u)).toEqual(['BRK.B']);
  });

  it('ignores capitalised words that are tickers, whole words only, and dollar amounts', () => {
    expect(extractSymbols('IT SPENDING IS UP FOR ALL', u)).toEqual([]);
    expect(extractSymbols('$IT reports', u)).toEqual(['IT']);
    expect(extractSymbols('Pineapple prices and $5 coffee', u)).toEqual([]);
    expect(extractSymbols('SPY falls', u)).toEqual(['SPY']);
    expect(extractSymbols('SPYX falls', u)).toEqual([]);
  });
});
