import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for FINRA's Query API, dataset otcMarket/consolidatedShortInterest:
 * `POST /data/group/otcMarket/name/consolidatedShortInterest` with a JSON body of compareFilters
 * (symbolCode EQUAL) and dateRangeFilters (settlementDate startDate/endDate), answering a JSON
 * array of records, or 204 with no body when none match. It answers 429 with Retry-After and
 * mangled bodies when told to.
 */
export interface FinraRecord {
  symbolCode: string;
  settlementDate: string;
  currentShortPositionQuantity: number;
  previousShortPositionQuantity: number;
  averageDailyVolumeQuantity: number;
  daysToCoverQuantity: number;
  changePercent: number;
  issueName: string;
  marketClassCode: string;
}

export class FinraTestServer extends LoopbackServer {
  private readonly records: FinraRecord[] = [];
  private limited: { count: number; retryAfterS: number } | null = null;
  private malformedNext: unknown = undefined;

  constructor() {
    super((req) => this.answer(req));
  }

  add(r: FinraRecord): void {
    this.records.push(r);
  }

  rateLimitNext(count: number, retryAfterS: number): void {
    this.limited = { count, retryAfterS };
  }

  malformNext(body: unknown): void {
    this.malformedNext = body;
  }

  clear(): void {
    this.records.length = 0;
    this.requests.length = 0;
    this.limited = null;
    this.malformedNext = undefined;
  }

  private answer(req: RecordedRequest): Answer {
    if (req.method !== 'POST' || req.path !== '/data/group/otcMarket/name/consolidatedShortInterest') return { status: 404, body: { message: 'Not Found' } };
    if (this.limited && this.limited.count > 0) {
      this.limited.count -= 1;
      return { status: 429, headers: { 'retry-after': String(this.limited.retryAfterS) }, body: { message: 'Too Many Requests' } };
    }
    if (this.malformedNext !== undefined) {
      const b = this.malformedNext;
      this.malformedNext = undefined;
      return { status: 200, body: b };
    }
    let q: { limit?: number; compareFilters?: { fieldName: string; fieldValue: string; compareType: string }[]; dateRangeFilters?: { fieldName: string; startDate: string; endDate: string }[] };
    try {
      q = JSON.parse(req.body) as typeof q;
    } catch {
      return { status: 400, body: { message: 'Request body is not valid JSON' } };
    }
    const sym = q.compareFilters?.find((f) => f.fieldName === 'symbolCode' && f.compareType.toUpperCase() === 'EQUAL')?.fieldValue;
    const range = q.dateRangeFilters?.find((f) => f.fieldName === 'settlementDate');
    const hits = this.records
      .filter((r) => sym === undefined || r.symbolCode === sym)
      .filter((r) => !range || (r.settlementDate >= range.startDate && r.settlementDate <= range.endDate))
      .slice(0, q.limit ?? 1000);
    if (hits.length === 0) return { status: 204, body: '' };
    return { status: 200, headers: { 'record-total': String(hits.length) }, body: hits };
  }
}
