import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a social stand-in server recorded of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  status: number;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  readonly body: unknown;
}

/** A loopback HTTP server around one handler, recording every request (the social stand-ins' base). */
export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  private server!: Server;

  constructor(private readonly handle: (req: RecordedRequest) => Answer) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 };
        this.requests.push(rec);
        let a: Answer;
        try {
          a = this.handle(rec);
        } catch (err) {
          a = { status: 500, body: { error: (err as Error).message } };
        }
        rec.status = a.status;
        const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...a.headers });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
