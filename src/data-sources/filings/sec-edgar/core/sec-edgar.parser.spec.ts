import { form4XmlName, parseForm4 } from './form4.parser';
import { cikPath, parseCompanyTickers, parseSubmissions, SecMalformed } from './sec-edgar.parser';

const recent = (over: Record<string, unknown[]> = {}) => ({
  filings: {
    recent: {
      accessionNumber: ['0000320193-24-000081'],
      filingDate: ['2024-08-01'],
      acceptanceDateTime: ['2024-08-01T20:30:46.000Z'],
      form: ['8-K'],
      items: ['2.02,9.01'],
      primaryDocument: ['aapl-20240801.htm'],
      ...over,
    },
  },
});

describe('SEC EDGAR parsers', () => {
  it('pads the CIK to ten digits and reads company_tickers.json', () => {
    expect(cikPath(320193)).toBe('CIK0000320193');
    expect(parseCompanyTickers({ '0': { cik_str: 320193, ticker: 'aapl', title: 'Apple Inc.' } })).toEqual([{ cik: 320193, ticker: 'AAPL', title: 'Apple Inc.' }]);
    expect(() => parseCompanyTickers({ '0': { cik_str: '320193', ticker: 'AAPL' } })).toThrow(SecMalformed);
    expect(() => parseCompanyTickers({})).toThrow(/no entries/);
  });

  it('reads filings.recent into filings with the document path, and refuses partial or bad arrays', () => {
    const [f] = parseSubmissions(recent(), 320193);
    expect(f).toEqual({
      accession: '0000320193-24-000081',
      form: '8-K',
      filedAt: new Date('2024-08-01T00:00:00Z'),
      acceptedAt: new Date('2024-08-01T20:30:46.000Z'),
      items: ['2.02', '9.01'],
      primaryDocument: 'aapl-20240801.htm',
      path: '/Archives/edgar/data/320193/000032019324000081/aapl-20240801.htm',
    });
    expect(() => parseSubmissions(recent({ form: [] }), 1)).toThrow(/form has 0 entries/);
    expect(() => parseSubmissions(recent({ acceptanceDateTime: ['yesterday'] }), 1)).toThrow(/acceptanceDateTime\[0\]/);
    expect(() => parseSubmissions(recent({ items: ['two'] }), 1)).toThrow(/item codes/);
    expect(() => parseSubmissions({ filings: {} }, 1)).toThrow(/filings.recent/);
  });

  it('reads a Form 4 and refuses one without its required fields', () => {
    const xml = (tx: string) => `<ownershipDocument><documentType>4</documentType>
      <issuer><issuerCik>0000320193</issuerCik><issuerTradingSymbol>AAPL</issuerTradingSymbol></issuer>
      <reportingOwner><reportingOwnerId><rptOwnerCik>0001214128</rptOwnerCik><rptOwnerName>DOE JANE</rptOwnerName></reportingOwnerId>
        <reportingOwnerRelationship><isDirector>1</isDirector></reportingOwnerRelationship></reportingOwner>
      <nonDerivativeTable>${tx}</nonDerivativeTable></ownershipDocument>`;
    const ok = `<nonDerivativeTransaction><securityTitle><value>Common Stock</value></securityTitle><transactionDate><value>2024-08-01-05:00</value></transactionDate>
      <transactionCoding><transactionCode>P</transactionCode></transactionCoding>
      <transactionAmounts><transactionShares><value>100</value></transactionShares><transactionPricePerShare><value>10.25</value></transactionPricePerShare>
      <transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode></transactionAmounts>
      <postTransactionAmounts><sharesOwnedFollowingTransaction><value>1100</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeTransaction>`;
    const f = parseForm4(xml(ok));
    expect(f).toMatchObject({ issuerCik: 320193, issuerSymbol: 'AAPL', ownerCik: 1214128, ownerName: 'DOE JANE', ownerRelationship: 'director' });
    expect(f.transactions).toEqual([
      { seq: 0, securityTitle: 'Common Stock', transactionDate: '2024-08-01', transactionCode: 'P', shares: '100', pricePerShare: '10.25', acquiredDisposed: 'A', sharesOwnedAfter: '1100', directOrIndirect: null },
    ]);
    expect(parseForm4(xml('')).transactions).toEqual([]);
    expect(() => parseForm4(xml(ok.replace('<value>A</value>', '<value>X</value>')))).toThrow(/not A or D/);
    expect(() => parseForm4(xml(ok.replace('<value>100</value>', '<value>lots</value>')))).toThrow(/not a number/);
    expect(() => parseForm4('<html>oops</html>')).toThrow(/ownershipDocument is missing/);
    expect(form4XmlName('xslF345X05/wk-form4_1.xml')).toBe('wk-form4_1.xml');
    expect(form4XmlName('form4.htm')).toBeNull();
  });
});
