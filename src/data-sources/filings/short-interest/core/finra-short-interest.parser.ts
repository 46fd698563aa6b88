/**
 * FINRA Query API, dataset otcMarket/consolidatedShortInterest, pure
 * (FINRA API Console, "Consolidated Short Interest": `POST /data/group/otcMarket/name/consolidatedShortInterest`
 * with `{limit, offset, compareFilters: [{compareType, fieldName, fieldValue}], dateRangeFilters:
 * [{fieldName, startDate, endDate}]}`, answering a JSON array of records: symbolCode,
 * settlementDate (YYYY-MM-DD), currentShortPositionQuantity, previousShortPositionQuantity,
 * averageDailyVolumeQuantity, daysToCoverQuantity, changePercent, issueName, marketClassCode).
 */
export class ShortInterestMalformed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ShortInterestRecord {
  readonly symbol: string;
  readonly settlementDate: string;
  readonly shortPosition: number;
  readonly previousShortPosition: number | null;
  readonly averageDailyVolume: number | null;
  readonly daysToCover: number | null;
  readonly changePercent: number | null;
  readonly marketClass: string | null;
}

function num(v: unknown, where: string, optional: boolean): number | null {
  if (v === null || v === undefined || v === '') {
    if (optional) return null;
    throw new ShortInterestMalformed(`${where} is missing`);
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new ShortInterestMalformed(`${where} ${JSON.stringify(v)} is not a number`);
  return n;
}

export function parseShortInterest(body: unknown, symbol: string): ShortInterestRecord[] {
  if (!Array.isArray(body)) throw new ShortInterestMalformed('answer is not an array of records');
  return body.map((raw: unknown, i): ShortInterestRecord => {
    if (!raw || typeof raw !== 'object') throw new ShortInterestMalformed(`record ${i} is not an object`);
    const r = raw as Record<string, unknown>;
    if (typeof r.symbolCode !== 'string' || r.symbolCode.toUpperCase() !== symbol.toUpperCase()) {
      throw new ShortInterestMalformed(`record ${i}: symbolCode ${JSON.stringify(r.symbolCode)}, asked ${symbol}`);
    }
    if (typeof r.settlementDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.settlementDate)) throw new ShortInterestMalformed(`record ${i}: settlementDate is not YYYY-MM-DD`);
    const short = num(r.currentShortPositionQuantity, `record ${i}: currentShortPositionQuantity`, false)!;
    if (short < 0) throw new ShortInterestMalformed(`record ${i}: currentShortPositionQuantity is negative`);
    return {
      symbol: symbol.toUpperCase(),
      settlementDate: r.settlementDate,
      shortPosition: short,
      previousShortPosition: num(r.previousShortPositionQuantity, `record ${i}: previousShortPositionQuantity`, true),
      averageDailyVolume: num(r.averageDailyVolumeQuantity, `record ${i}: averageDailyVolumeQuantity`, true),
      daysToCover: num(r.daysToCoverQuantity, `record ${i}: daysToCoverQuantity`, true),
      changePercent: num(r.changePercent, `record ${i}: changePercent`, true),
      marketClass: typeof r.marketClassCode === 'string' ? r.marketClassCode : null,
    };
  });
}

/** The request body: one symbol's records settled in [startDate, endDate]. */
export function shortInterestQuery(symbol: string, startDate: string, endDate: string, limit: number, offset: number): Record<string, unknown> {
  return {
    limit,
    offset,
    compareFilters: [{ compareType: 'EQUAL', fieldName: 'symbolCode', fieldValue: symbol.toUpperCase() }],
    dateRangeFilters: [{ fieldName: 'settlementDate', startDate, endDate }],
  };
}
