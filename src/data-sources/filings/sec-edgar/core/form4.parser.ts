import { XMLParser } from 'fast-xml-parser';
import { SecMalformed } from './sec-edgar.parser';

/**
 * Form 4 (statement of changes in beneficial ownership) from its XML, `ownershipDocument`
 * (SEC, "EDGAR Ownership XML Technical Specification", X0508 schema: issuer, reportingOwner,
 * nonDerivativeTable/nonDerivativeTransaction with securityTitle, transactionDate,
 * transactionCoding/transactionCode, transactionAmounts/{transactionShares,
 * transactionPricePerShare, transactionAcquiredDisposedCode},
 * postTransactionAmounts/sharesOwnedFollowingTransaction, ownershipNature). Values sit in
 * `<value>` children, next to optional `<footnoteId>`s. Pure; a malformed document throws
 * SecMalformed and nothing of it is stored.
 */
export interface InsiderTransaction {
  /** Position in the filing's nonDerivativeTable (with the accession, the row's id). */
  readonly seq: number;
  readonly securityTitle: string;
  readonly transactionDate: string;
  /** SEC transaction code: P purchase, S sale, A grant, M option exercise, F tax withholding, G gift, ... */
  readonly transactionCode: string;
  /** Decimal text, as filed. */
  readonly shares: string;
  /** Decimal text; null where none was reported (grants, gifts). */
  readonly pricePerShare: string | null;
  readonly acquiredDisposed: 'A' | 'D';
  readonly sharesOwnedAfter: string | null;
  readonly directOrIndirect: 'D' | 'I' | null;
}

export interface Form4 {
  readonly issuerCik: number;
  readonly issuerSymbol: string | null;
  readonly ownerCik: number;
  readonly ownerName: string;
  /** director, officer (with title), ten percent owner, other; joined with ", ". */
  readonly ownerRelationship: string;
  readonly transactions: readonly InsiderTransaction[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Keep "0001234567" and "1.50" as filed: CIKs and decimals are parsed on purpose below.
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'reportingOwner' || name === 'nonDerivativeTransaction' || name === 'nonDerivativeHolding',
});

type Node = Record<string, unknown>;

function obj(v: unknown, what: string): Node {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SecMalformed(`${what} is missing`);
  return v as Node;
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (v !== null && typeof v === 'object' && 'value' in v) return str((v as Node).value);
  return null;
}

function req(v: unknown, what: string): string {
  const s = str(v);
  if (s === null) throw new SecMalformed(`${what} is missing`);
  return s;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function decimal(v: unknown, what: string, optional: true): string | null;
function decimal(v: unknown, what: string, optional: false): string;
function decimal(v: unknown, what: string, optional: boolean): string | null {
  const s = str(v);
  if (s === null) {
    if (optional) return null;
    throw new SecMalformed(`${what} is missing`);
  }
  if (!DECIMAL.test(s)) throw new SecMalformed(`${what} "${s}" is not a number`);
  return s;
}

function cik(v: unknown, what: string): number {
  const s = req(v, what);
  if (!/^\d{1,10}$/.test(s) || Number(s) === 0) throw new SecMalformed(`${what} "${s}" is not a CIK`);
  return Number(s);
}

const flag = (v: unknown) => str(v) === '1' || str(v)?.toLowerCase() === 'true';

export function parseForm4(xml: string): Form4 {
  let tree: Node;
  try {
    tree = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new SecMalformed(`not XML: ${(err as Error).message.slice(0, 120)}`);
  }
  const doc = obj(tree.ownershipDocument, 'ownershipDocument');
  const type = req(doc.documentType, 'documentType');
  if (type !== '4' && type !== '4/A') throw new SecMalformed(`documentType is "${type}", not 4`);
  const issuer = obj(doc.issuer, 'issuer');
  const owners = doc.reportingOwner;
  if (!Array.isArray(owners) || owners.length === 0) throw new SecMalformed('reportingOwner is missing');
  const owner = obj(owners[0], 'reportingOwner');
  const id = obj(owner.reportingOwnerId, 'reportingOwner.reportingOwnerId');
  const rel = obj(owner.reportingOwnerRelationship ?? {}, 'reportingOwner.reportingOwnerRelationship');
  const relationship = [
    flag(rel.isDirector) ? 'director' : null,
    flag(rel.isOfficer) ? `officer${str(rel.officerTitle) ? ` (${str(rel.officerTitle)})` : ''}` : null,
    flag(rel.isTenPercentOwner) ? 'ten percent owner' : null,
    flag(rel.isOther) ? `other${str(rel.otherText) ? ` (${str(rel.otherText)})` : ''}` : null,
  ].filter((x): x is string => x !== null);

  const table = doc.nonDerivativeTable === undefined || doc.nonDerivativeTable === '' ? {} : obj(doc.nonDerivativeTable, 'nonDerivativeTable');
  const list = (table.nonDerivativeTransaction ?? []) as unknown[];
  const transactions = list.map((raw, i): InsiderTransaction => {
    const at = `nonDerivativeTransaction[${i}]`;
    const t = obj(raw, at);
    const coding = obj(t.transactionCoding, `${at}.transactionCoding`);
    const amounts = obj(t.transactionAmounts, `${at}.transactionAmounts`);
    const post = t.postTransactionAmounts === undefined ? {} : obj(t.postTransactionAmounts, `${at}.postTransactionAmounts`);
    const nature = t.ownershipNature === undefined ? {} : obj(t.ownershipNature, `${at}.ownershipNature`);
    const date = req(t.transactionDate, `${at}.transactionDate`);
    // Dates are YYYY-MM-DD, some filers add a time-zone offset ("2024-08-01-05:00").
    if (!/^\d{4}-\d{2}-\d{2}/.test(date)) throw new SecMalformed(`${at}.transactionDate "${date}" is not a date`);
    const code = req(coding.transactionCode, `${at}.transactionCode`);
    if (!/^[A-Z]$/.test(code)) throw new SecMalformed(`${at}.transactionCode "${code}" is not a transaction code`);
    const ad = req(amounts.transactionAcquiredDisposedCode, `${at}.transactionAcquiredDisposedCode`);
    if (ad !== 'A' && ad !== 'D') throw new SecMalformed(`${at}.transactionAcquiredDisposedCode "${ad}" is not A or D`);
    const di = str(nature.directOrIndirectOwnership);
    return {
      seq: i,
      securityTitle: req(t.securityTitle, `${at}.securityTitle`),
      transactionDate: date.slice(0, 10),
      transactionCode: code,
      shares: decimal(amounts.transactionShares, `${at}.transactionShares`, false),
      pricePerShare: decimal(amounts.transactionPricePerShare, `${at}.transactionPricePerShare`, true),
      acquiredDisposed: ad,
      sharesOwnedAfter: decimal(post.sharesOwnedFollowingTransaction, `${at}.sharesOwnedFollowingTransaction`, true),
      directOrIndirect: di === 'D' || di === 'I' ? di : null,
    };
  });
  return {
    issuerCik: cik(issuer.issuerCik, 'issuer.issuerCik'),
    issuerSymbol: str(issuer.issuerTradingSymbol),
    ownerCik: cik(id.rptOwnerCik, 'reportingOwner.rptOwnerCik'),
    ownerName: req(id.rptOwnerName, 'reportingOwner.rptOwnerName'),
    ownerRelationship: relationship.join(', '),
    transactions,
  };
}

/**
 * The raw XML of a Form 4 from the submissions' primaryDocument: EDGAR lists the rendered copy
 * ("xslF345X05/form4.xml"); the filed XML is the same name in the filing's folder.
 */
export function form4XmlName(primaryDocument: string): string | null {
  const base = primaryDocument.split('/').pop() ?? '';
  return /\.xml$/i.test(base) ? base : null;
}
