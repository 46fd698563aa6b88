import { createConnection, type Socket } from 'node:net';
import TransportStream from 'winston-transport';

/** triple-beam's MESSAGE: the record as serialized by the logger's format (a JSON line here). */
const MESSAGE = Symbol.for('message');

/**
 * A connection that stayed up this long resets the backoff; one that is accepted and then
 * dropped at once (a Logstash that is starting or overloaded) counts as a failed attempt, or
 * reconnects would go at the base rate forever.
 */
const STABLE_CONNECTION_MS = 5000;

export interface LogstashTransportOptions {
  /** `tcp://host:port` of Logstash's tcp input (codec json_lines). */
  readonly url: string;
  /** Records kept in memory while Logstash is unreachable; beyond it the oldest are dropped. */
  readonly bufferSize: number;
  /** First reconnect delay; doubles per failed attempt up to `reconnectMaxMs`. */
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs?: number;
  readonly level?: string;
}

/**
 * Ships every log record as one JSON line over TCP to Logstash (tcp input, json_lines codec).
 *
 * Logging never waits on it and it never throws: records go into a bounded queue that is
 * written while the socket is connected and writable (backpressure: it waits for `drain`),
 * and kept while it is not. When the queue is full the oldest record is dropped and counted;
 * after a reconnect a warning record with the number dropped is shipped first, so the gap is
 * visible in Elasticsearch. The socket and the reconnect timer are unref'd, so a Logstash
 * that is down never keeps the process alive.
 *
 * TCP has no application-level acknowledgement (Logstash's tcp input sends none), so a record
 * written into the socket in the instant the peer dies can be lost; what is logged once the
 * loss of the connection is known stays queued until the next connection.
 */
export class LogstashTransport extends TransportStream {
  private readonly host: string;
  private readonly port: number;
  private readonly queue: string[] = [];
  private socket: Socket | undefined;
  private canWrite = false;
  private attempt = 0;
  private connectedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private shut = false;
  private droppedTotal = 0;
  private droppedSinceNotice = 0;

  constructor(private readonly options: LogstashTransportOptions) {
    super({ level: options.level });
    const parsed = new URL(options.url);
    if (parsed.protocol !== 'tcp:' || !parsed.hostname || !parsed.port) throw new Error(`Logstash URL must be tcp://host:port`);
    this.host = parsed.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(parsed.port);
    this.connect();
  }

  /** Records dropped because the queue was full, since start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Records waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  get connected(): boolean {
    return this.canWrite;
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    const formatted = info[MESSAGE];
    const line = typeof formatted === 'string' ? formatted : JSON.stringify(info);
    this.enqueue(line.replace(/\n/g, '\\n'));
    this.flush();
    setImmediate(() => this.emit('logged', info));
    callback();
  }

  override close(): void {
    this.shut = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.canWrite = false;
    // end() still sends what the kernel has, then closes.
    socket?.end();
  }

  private enqueue(line: string): void {
    this.queue.push(line);
    while (this.queue.length > this.options.bufferSize) {
      this.queue.shift();
      this.droppedTotal += 1;
      this.droppedSinceNotice += 1;
    }
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || !this.canWrite) return;
    while (this.queue.length > 0) {
      const line = this.queue.shift() as string;
      if (!socket.write(`${line}\n`)) {
        // The kernel buffer is full: wait for it to drain, keep the rest queued.
        this.canWrite = false;
        socket.once('drain', () => {
          if (this.socket !== socket) return;
          this.canWrite = true;
          this.flush();
        });
        return;
      }
    }
  }

  private connect(): void {
    if (this.shut) return;
    const socket = createConnection({ host: this.host, port: this.port });
    socket.unref();
    socket.setKeepAlive(true, 10_000);
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connectedAt = Date.now();
      this.canWrite = true;
      this.emit('connect');
      if (this.droppedSinceNotice > 0) {
        this.queue.unshift(this.dropNotice(this.droppedSinceNotice));
        this.droppedSinceNotice = 0;
      }
      this.flush();
    });
    // Logstash never writes on this connection; reading keeps a FIN from going unnoticed.
    socket.on('data', () => undefined);
    socket.on('error', () => {
      // 'close' follows and reconnects; the error itself must not reach winston or the process.
    });
    socket.on('close', () => this.onClose(socket));
    socket.on('end', () => socket.destroy());
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.canWrite = false;
    this.emit('disconnect');
    if (this.shut) return;
    if (this.connectedAt > 0 && Date.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    this.connectedAt = 0;
    const max = this.options.reconnectMaxMs ?? 30_000;
    const delay = Math.min(max, this.options.reconnectBaseMs * 2 ** this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
    this.timer.unref();
  }

  private dropNotice(n: number): string {
    return JSON.stringify({
      timestamp: new Date().toISOString(),
      level: 'warn',
      context: 'LogstashTransport',
      stream: 'app',
      message: `Logstash was unreachable: ${n} log records were dropped (buffer of ${this.options.bufferSize} full)`,
      dropped: n,
    });
  }
}
