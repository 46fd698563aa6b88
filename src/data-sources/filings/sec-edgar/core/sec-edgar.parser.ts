/**
 * Parsing of SEC EDGAR's JSON answers, pure. A malformed answer throws SecMalformed with the
 * reason, and the caller stores nothing from it.
 */
export class SecMalformed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface CompanyTicker {
  readonly ticker: string;
  readonly cik: number;
  readonly title: string;
}

/**
 * `company_tickers.json`: an object keyed "0", "1", ... of {cik_str, ticker, title}
 * (https://www.sec.gov/files/company_tickers.json, linked from "Accessing EDGAR Data").
 */
export function parseCompanyTickers(body: unknown): CompanyTicker[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SecMalformed('company_tickers.json is not an object');
  const out: CompanyTicker[] = [];
  for (const [key, v] of Object.entries(body as Record<string, unknown>)) {
    if (v === null || typeof v !== 'object') throw new SecMalformed(`company_tickers entry ${key} is not an object`);
    const { cik_str, ticker, title } = v as Record<string, unknown>;
    if (typeof cik_str !== 'number' || !Number.isInteger(cik_str) || cik_str <= 0) throw new SecMalformed(`company_tickers entry ${key}: cik_str is not a positive integer`);
    if (typeof ticker !== 'string' || !/^[A-Za-z0-9.\-/]{1,32}$/.test(ticker)) throw new SecMalformed(`company_tickers entry ${key}: ticker is missing or invalid`);
    out.push({ ticker: ticker.toUpperCase(), cik: cik_str, title: typeof title === 'string' ? title : '' });
  }
  if (out.length === 0) throw new SecMalformed('company_tickers.json has no entries');
  return out;
}

export interface ParsedFiling {
  readonly accession: string;
  readonly form: string;
  readonly filedAt: Date;
  readonly acceptedAt: Date;
  readonly items: readonly string[];
  readonly primaryDocument: string | null;
  /** The filing's primary document on www.sec.gov (Archives/edgar/data/{cik}/{accession without dashes}/{document}). */
  readonly path: string;
}

/** `CIK##########`: the ten-digit zero-padded CIK of the submissions URL. */
export function cikPath(cik: number): string {
  return `CIK${String(cik).padStart(10, '0')}`;
}

const ACCESSION = /^\d{10}-\d{2}-\d{6}$/;

/**
 * `submissions/CIK##########.json`: `filings.recent` holds parallel arrays (accessionNumber,
 * filingDate, acceptanceDateTime, form, items, primaryDocument, ...), newest first
 * (SEC, "EDGAR Application Programming Interfaces", data.sec.gov/submissions). Every array must
 * be as long as accessionNumber; any bad entry refuses the whole answer.
 */
export function parseSubmissions(body: unknown, cik: number): ParsedFiling[] {
  if (body === null || typeof body !== 'object') throw new SecMalformed('submissions answer is not an object');
  const filings = (body as Record<string, unknown>).filings;
  const recent = filings !== null && typeof filings === 'object' ? (filings as Record<string, unknown>).recent : undefined;
  if (recent === null || typeof recent !== 'object') throw new SecMalformed('submissions answer has no filings.recent');
  const r = recent as Record<string, unknown>;
  const arrays = ['accessionNumber', 'filingDate', 'acceptanceDateTime', 'form', 'items', 'primaryDocument'] as const;
  for (const name of arrays) if (!Array.isArray(r[name])) throw new SecMalformed(`filings.recent.${name} is not an array`);
  const acc = r.accessionNumber as unknown[];
  for (const name of arrays) if ((r[name] as unknown[]).length !== acc.length) throw new SecMalformed(`filings.recent.${name} has ${(r[name] as unknown[]).length} entries, accessionNumber ${acc.length}`);
  const out: ParsedFiling[] = [];
  for (let i = 0; i < acc.length; i++) {
    const accession = acc[i];
    const form = (r.form as unknown[])[i];
    const filingDate = (r.filingDate as unknown[])[i];
    const accepted = (r.acceptanceDateTime as unknown[])[i];
    const items = (r.items as unknown[])[i];
    const doc = (r.primaryDocument as unknown[])[i];
    if (typeof accession !== 'string' || !ACCESSION.test(accession)) throw new SecMalformed(`filings.recent.accessionNumber[${i}] is not an accession number`);
    if (typeof form !== 'string' || form.length === 0 || form.length > 32) throw new SecMalformed(`filings.recent.form[${i}] is missing`);
    if (typeof filingDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(filingDate)) throw new SecMalformed(`filings.recent.filingDate[${i}] is not YYYY-MM-DD`);
    // acceptanceDateTime is "2024-08-01T16:30:46.000Z" in the API's answers.
    const acceptedMs = typeof accepted === 'string' ? Date.parse(accepted) : NaN;
    if (!Number.isFinite(acceptedMs)) throw new SecMalformed(`filings.recent.acceptanceDateTime[${i}] is not a date-time`);
    if (typeof items !== 'string') throw new SecMalformed(`filings.recent.items[${i}] is not a string`);
    const codes = items.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (codes.some((c) => !/^\d{1,2}\.\d{2}$/.test(c))) throw new SecMalformed(`filings.recent.items[${i}] "${items}" is not a list of item codes`);
    if (typeof doc !== 'string') throw new SecMalformed(`filings.recent.primaryDocument[${i}] is not a string`);
    const folder = `/Archives/edgar/data/${cik}/${accession.replace(/-/g, '')}`;
    out.push({
      accession,
      form,
      filedAt: new Date(`${filingDate}T00:00:00Z`),
      acceptedAt: new Date(acceptedMs),
      items: codes,
      primaryDocument: doc.length > 0 ? doc : null,
      path: doc.length > 0 ? `${folder}/${doc}` : `${folder}/${accession}-index.htm`,
    });
  }
  return out;
}
