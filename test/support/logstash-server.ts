import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Logstash's `tcp` input with the `json_lines` codec: it accepts TCP
 * connections, splits what arrives on `\n` and parses each line as one JSON event (a line that
 * is not JSON is kept apart, as Logstash tags it `_jsonparsefailure`). Like Logstash it never
 * writes back. It can be stopped (every connection destroyed) and started again on the same
 * port, to play a Logstash restart.
 */
export class LogstashTcpServer {
  readonly records: Record<string, unknown>[] = [];
  readonly unparsed: string[] = [];
  /** Connections accepted since construction. */
  connections = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private waiters: (() => void)[] = [];

  constructor(
    private portNumber = 0,
    private readonly behaviour: 'read' | 'hang-up' = 'read',
  ) {}

  get port(): number {
    return this.portNumber;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => {
      this.connections += 1;
      this.notify();
      if (this.behaviour === 'hang-up') {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      let pending = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        pending += chunk;
        let nl = pending.indexOf('\n');
        while (nl >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim() !== '') this.accept(line);
          nl = pending.indexOf('\n');
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the listener and destroys every open connection (what a Logstash crash looks like). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `predicate` holds, re-checked on every event; rejects after `timeoutMs`. */
  async waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`LogstashTcpServer: condition not met in ${timeoutMs} ms (${this.records.length} records)`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private accept(line: string): void {
    try {
      this.records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      this.unparsed.push(line);
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = new LogstashTcpServer();
  await s.start();
  const port = s.port;
  await s.stop();
  return port;
}
