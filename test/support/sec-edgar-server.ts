import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for SEC EDGAR (SEC, "Accessing EDGAR Data" and "EDGAR Application Programming
 * Interfaces"): `GET /files/company_tickers.json` ({"0": {cik_str, ticker, title}, ...}) and
 * `GET /submissions/CIK##########.json` ({cik, name, tickers, filings: {recent: {accessionNumber[],
 * filingDate[], reportDate[], acceptanceDateTime[], act[], form[], fileNumber[], items[], size[],
 * primaryDocument[], primaryDocDescription[]}, files: []}}). Like SEC it answers 403 with an HTML
 * page to a User-Agent that declares no contact e-mail, 404 for an unknown CIK, and (when told)
 * 429 with Retry-After. It can answer the next submissions request with a mangled body.
 */
export interface SecFiling {
  accession: string;
  form: string;
  filingDate: string;
  acceptanceDateTime: string;
  items: string;
  primaryDocument: string;
}

export interface SecCompany {
  cik: number;
  ticker: string;
  title: string;
  filings: SecFiling[];
}

export class SecEdgarTestServer extends LoopbackServer {
  private readonly companies: SecCompany[] = [];
  private readonly documents = new Map<string, string>();
  private rateLimited: { count: number; retryAfterS: number } | null = null;
  private malformedNext: ((body: Record<string, unknown>) => unknown) | null = null;

  constructor() {
    super((req) => this.answer(req));
  }

  company(c: Omit<SecCompany, 'filings'>): SecCompany {
    const company = { ...c, filings: [] };
    this.companies.push(company);
    return company;
  }

  /** Adds a filing, newest first as SEC lists them. */
  file(company: SecCompany, f: SecFiling): void {
    company.filings.unshift(f);
  }

  /** Serves a filing document at /Archives/edgar/data/{cik}/{accession without dashes}/{name}. */
  document(company: SecCompany, accession: string, name: string, text: string): void {
    this.documents.set(`/Archives/edgar/data/${company.cik}/${accession.replace(/-/g, '')}/${name}`, text);
  }

  rateLimitNext(count: number, retryAfterS: number): void {
    this.rateLimited = { count, retryAfterS };
  }

  malformNext(mangle: (body: Record<string, unknown>) => unknown): void {
    this.malformedNext = mangle;
  }

  clear(): void {
    this.companies.length = 0;
    this.documents.clear();
    this.requests.length = 0;
    this.rateLimited = null;
    this.malformedNext = null;
  }

  private answer(req: RecordedRequest): Answer {
    const ua = String(req.headers['user-agent'] ?? '');
    // SEC: "declare your user agent in request headers: Sample Company Name AdminContact@<sample company domain>.com".
    if (!/\S+@\S+\.\S+/.test(ua)) {
      return { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Your Request Originates from an Undeclared Automated Tool</h1></body></html>' };
    }
    if (this.rateLimited && this.rateLimited.count > 0) {
      this.rateLimited.count -= 1;
      return { status: 429, headers: { 'retry-after': String(this.rateLimited.retryAfterS) }, body: '<html><body>Request Rate Threshold Exceeded</body></html>' };
    }
    if (req.path === '/files/company_tickers.json') {
      return { status: 200, body: Object.fromEntries(this.companies.map((c, i) => [String(i), { cik_str: c.cik, ticker: c.ticker, title: c.title }])) };
    }
    const doc = this.documents.get(req.path);
    if (doc !== undefined) return { status: 200, headers: { 'content-type': 'text/xml' }, body: doc };
    const m = /^\/submissions\/CIK(\d{10})\.json$/.exec(req.path);
    if (!m) return { status: 404, body: '<html><body>Not Found</body></html>' };
    const company = this.companies.find((c) => c.cik === Number(m[1]));
    if (!company) return { status: 404, body: '<html><body>Not Found</body></html>' };
    const f = company.filings;
    const body: Record<string, unknown> = {
      cik: String(company.cik),
      entityType: 'operating',
      name: company.title,
      tickers: [company.ticker],
      exchanges: ['Nasdaq'],
      filings: {
        recent: {
          accessionNumber: f.map((x) => x.accession),
          filingDate: f.map((x) => x.filingDate),
          reportDate: f.map((x) => x.filingDate),
          acceptanceDateTime: f.map((x) => x.acceptanceDateTime),
          act: f.map(() => '34'),
          form: f.map((x) => x.form),
          fileNumber: f.map(() => '001-36743'),
          filmNumber: f.map(() => '241234567'),
          items: f.map((x) => x.items),
          size: f.map(() => 12345),
          isXBRL: f.map(() => 0),
          isInlineXBRL: f.map(() => 0),
          primaryDocument: f.map((x) => x.primaryDocument),
          primaryDocDescription: f.map((x) => x.form),
        },
        files: [],
      },
    };
    if (this.malformedNext) {
      const mangle = this.malformedNext;
      this.malformedNext = null;
      return { status: 200, body: mangle(body) };
    }
    return { status: 200, body };
  }
}

export interface Form4Transaction {
  date: string;
  code: string;
  shares: string;
  price: string | null;
  ad: 'A' | 'D';
  after: string;
}

/** A Form 4 ownershipDocument as filers submit it (EDGAR Ownership XML, schema X0508). */
export function form4Xml(o: { issuerCik: number; symbol: string; ownerCik: number; owner: string; officerTitle: string; transactions: Form4Transaction[] }): string {
  const tx = o.transactions
    .map(
      (t) => `
    <nonDerivativeTransaction>
      <securityTitle><value>Common Stock</value></securityTitle>
      <transactionDate><value>${t.date}</value></transactionDate>
      <transactionCoding><transactionFormType>4</transactionFormType><transactionCode>${t.code}</transactionCode><equitySwapInvolved>0</equitySwapInvolved></transactionCoding>
      <transactionAmounts>
        <transactionShares><value>${t.shares}</value></transactionShares>
        <transactionPricePerShare>${t.price === null ? '<footnoteId id="F1"/>' : `<value>${t.price}</value>`}</transactionPricePerShare>
        <transactionAcquiredDisposedCode><value>${t.ad}</value></transactionAcquiredDisposedCode>
      </transactionAmounts>
      <postTransactionAmounts><sharesOwnedFollowingTransaction><value>${t.after}</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
      <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
    </nonDerivativeTransaction>`,
    )
    .join('');
  return `<?xml version="1.0"?>
<ownershipDocument>
  <schemaVersion>X0508</schemaVersion>
  <documentType>4</documentType>
  <periodOfReport>${o.transactions[0]?.date ?? '2024-08-01'}</periodOfReport>
  <notSubjectToSection16>0</notSubjectToSection16>
  <issuer><issuerCik>${String(o.issuerCik).padStart(10, '0')}</issuerCik><issuerName>Acme Corp</issuerName><issuerTradingSymbol>${o.symbol}</issuerTradingSymbol></issuer>
  <reportingOwner>
    <reportingOwnerId><rptOwnerCik>${String(o.ownerCik).padStart(10, '0')}</rptOwnerCik><rptOwnerName>${o.owner}</rptOwnerName></reportingOwnerId>
    <reportingOwnerRelationship><isDirector>0</isDirector><isOfficer>1</isOfficer><isTenPercentOwner>0</isTenPercentOwner><isOther>0</isOther><officerTitle>${o.officerTitle}</officerTitle></reportingOwnerRelationship>
  </reportingOwner>
  <nonDerivativeTable>${tx}
  </nonDerivativeTable>
  <footnotes><footnote id="F1">Gift; no price.</footnote></footnotes>
  <ownerSignature><signatureName>/s/ ${o.owner}</signatureName><signatureDate>${o.transactions[0]?.date ?? '2024-08-01'}</signatureDate></ownerSignature>
</ownershipDocument>
`;
}
