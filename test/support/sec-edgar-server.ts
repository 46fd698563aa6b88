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

  rateLimitNext(count: number, retryAfterS: number): void {
    this.rateLimited = { count, retryAfterS };
  }

  malformNext(mangle: (body: Record<string, unknown>) => unknown): void {
    this.malformedNext = mangle;
  }

  clear(): void {
    this.companies.length = 0;
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
