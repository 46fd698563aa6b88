import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for Alpha Vantage's EARNINGS_CALL_TRANSCRIPT
 * (https://www.alphavantage.co/documentation/#transcript): `GET /query?function=EARNINGS_CALL_TRANSCRIPT
 * &symbol=IBM&quarter=2024Q1&apikey=...` answering `{symbol, quarter, transcript: [{speaker, title,
 * content, sentiment}]}` (an empty list for a quarter it has none of). Like Alpha Vantage it
 * answers errors with HTTP 200: `{"Error Message": ...}` for a bad key or function,
 * `{"Information": ...}` when the rate limit is reached (when told to).
 */
export interface WireSegment {
  speaker: string;
  title: string;
  content: string;
  sentiment: string;
}

export class AlphaVantageTranscriptsServer extends LoopbackServer {
  readonly apiKey = 'spec-av-key';
  private readonly transcripts = new Map<string, WireSegment[]>();
  private limited = 0;
  private limitAfter: number | null = null;
  private malformedNext: unknown = undefined;

  constructor() {
    super((req) => this.answer(req));
  }

  transcript(symbol: string, quarter: string, segments: WireSegment[]): void {
    this.transcripts.set(`${symbol}|${quarter}`, segments);
  }

  rateLimitNext(count: number): void {
    this.limited = count;
  }

  /** After `n` more answered requests, every request gets the rate-limit notice. */
  rateLimitAfter(n: number): void {
    this.limitAfter = n;
  }

  malformNext(body: unknown): void {
    this.malformedNext = body;
  }

  clear(): void {
    this.transcripts.clear();
    this.requests.length = 0;
    this.limited = 0;
    this.limitAfter = null;
    this.malformedNext = undefined;
  }

  private answer(req: RecordedRequest): Answer {
    const q = req.query;
    if (req.path !== '/query') return { status: 404, body: '{}' };
    if (q.get('apikey') !== this.apiKey) {
      return { status: 200, body: { 'Error Message': 'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key).' } };
    }
    if (q.get('function') !== 'EARNINGS_CALL_TRANSCRIPT') return { status: 200, body: { 'Error Message': 'This API function does not exist.' } };
    if (this.limitAfter !== null && this.limitAfter-- <= 0) this.limited = Math.max(this.limited, 1);
    if (this.limited > 0) {
      this.limited -= 1;
      return { status: 200, body: { Information: 'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.' } };
    }
    if (this.malformedNext !== undefined) {
      const b = this.malformedNext;
      this.malformedNext = undefined;
      return { status: 200, body: b };
    }
    const symbol = q.get('symbol') ?? '';
    const quarter = q.get('quarter') ?? '';
    return { status: 200, body: { symbol, quarter, transcript: this.transcripts.get(`${symbol}|${quarter}`) ?? [] } };
  }
}
