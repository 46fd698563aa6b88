import WebSocket, { type RawData } from 'ws';

/**
 * A WebSocket client that stays connected: a handshake (the provider's auth and subscription),
 * then messages; when the socket drops it reconnects with exponential backoff and tells
 * `onReconnect` listeners the gap, so the caller can recover what it missed (the Alpaca trade
 * stream reconciles orders, the market-data feed backfills bars). Shared by both Alpaca
 * streams; what differs between them is the `SocketProtocol`.
 */

/** What a protocol can do with the connection it is handed. */
export interface SocketSession {
  /** Sends one JSON message on this connection. */
  send(message: unknown): void;
  /** The handshake is done: `start()` resolves, later messages are the stream's. */
  ready(): void;
  /** The handshake failed: the connection is closed with this reason (and retried by the backoff once running). */
  fail(reason: Error): void;
  readonly isReady: boolean;
}

/** A provider's conversation on one connection. */
export interface SocketProtocol {
  /** The socket opened: send the auth message. */
  opened(session: SocketSession): void;
  /** One decoded message (a frame may carry several); before `ready()` these are the handshake's. */
  message(message: Record<string, unknown>, session: SocketSession): void;
}

export interface ReconnectingSocketOptions {
  readonly url: string;
  /** Names the stream in warnings, e.g. "Alpaca trade-update stream". */
  readonly name: string;
  /** How long connecting, authorizing and subscribing may take. */
  readonly connectTimeoutMs: number;
  /** First reconnect delay; doubles per failed attempt up to `reconnectCapMs`. */
  readonly reconnectBaseMs: number;
  readonly reconnectCapMs?: number;
  /** A ping goes out this often; a socket that has not answered the previous one is dropped. */
  readonly pingIntervalMs?: number;
  readonly random?: () => number;
  /** Told about frames it cannot read and about drops; the stream itself carries on. */
  readonly warn?: (message: string) => void;
}

/** What an `onReconnect` listener is told: the stream was down between these times. */
export interface StreamGap {
  readonly disconnectedAt: Date;
  readonly reconnectedAt: Date;
  readonly attempts: number;
}

export class ReconnectingSocket {
  private readonly reconnectListeners = new Set<(gap: StreamGap) => void>();
  private socket: WebSocket | null = null;
  private running = false;
  private starting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: ReconnectingSocketOptions,
    private readonly protocol: SocketProtocol,
  ) {}

  /** Connected and through the handshake right now. */
  get connected(): boolean {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  onReconnect(listener: (gap: StreamGap) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Resolves once the handshake is done; rejects with the reason when the first connection
   * fails. With `keepTrying` a failed first connection is retried by the backoff as a drop is
   * (the promise still rejects, so the caller can say why), and the first success is told to
   * `onReconnect` listeners as the end of a gap that began now.
   */
  start(keepTrying = false): Promise<void> {
    if (this.running) return this.starting ?? Promise.resolve();
    this.running = true;
    const startedAt = new Date();
    this.starting = this.connect().catch((e: unknown) => {
      if (keepTrying && this.running) {
        // Running on: a later start() does not replay this failure (`connected` tells the state).
        this.starting = null;
        this.reconnect(startedAt, 0);
      } else {
        this.running = false;
        this.starting = null;
      }
      throw e;
    });
    return this.starting;
  }

  /** Sends on the current connection if it is through the handshake; false when it is not. */
  send(message: unknown): boolean {
    if (!this.connected || this.socket === null) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Cuts the current connection (as a network failure would); it reconnects if running. */
  drop(): void {
    this.socket?.terminate();
  }

  async close(): Promise<void> {
    this.running = false;
    this.starting = null;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  /** One connection through the handshake. */
  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.options.url);
      let ready = false;
      const fail = (reason: Error): void => {
        clearTimeout(timer);
        if (!ready) {
          socket.removeAllListeners('close');
          socket.on('error', () => undefined);
          socket.terminate();
          reject(reason);
        } else {
          // After the handshake: the protocol saw something fatal; the drop handler reconnects.
          this.options.warn?.(`${this.options.name}: ${reason.message}`);
          socket.terminate();
        }
      };
      const session: SocketSession = {
        send: (message) => socket.send(JSON.stringify(message)),
        ready: () => {
          if (ready) return;
          ready = true;
          clearTimeout(timer);
          this.socket = socket;
          this.startPing(socket);
          resolve();
        },
        fail,
        get isReady() {
          return ready;
        },
      };
      const timer = setTimeout(() => fail(new Error(`not subscribed within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);

      socket.on('open', () => this.protocol.opened(session));
      socket.on('error', (e: Error) => {
        if (!ready) fail(e);
        else this.options.warn?.(`${this.options.name} error: ${e.message}`);
      });
      socket.on('close', () => {
        if (!ready) return fail(new Error('the socket closed before the subscription'));
        this.onDropped(socket);
      });
      socket.on('message', (data: RawData) => {
        for (const message of decodeFrame(data, () => this.options.warn?.(`${this.options.name} sent a frame that is not JSON`))) {
          this.protocol.message(message, session);
        }
      });
    });
  }

  private onDropped(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.stopPing();
    if (!this.running) return;
    this.options.warn?.(`${this.options.name} dropped; reconnecting`);
    this.reconnect(new Date(), 0);
  }

  private reconnect(disconnectedAt: Date, attempt: number): void {
    const cap = this.options.reconnectCapMs ?? 30_000;
    const ceiling = Math.min(cap, this.options.reconnectBaseMs * 2 ** attempt);
    // "Equal jitter" (Brooker 2015): half fixed, half random, so a retry is never immediate.
    const delay = ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.running) return;
      this.connect().then(
        () => {
          if (!this.running) {
            void this.close();
            return;
          }
          const gap: StreamGap = { disconnectedAt, reconnectedAt: new Date(), attempts: attempt + 1 };
          for (const listener of this.reconnectListeners) listener(gap);
        },
        (e: unknown) => {
          this.options.warn?.(`${this.options.name} reconnect ${attempt + 1} failed: ${e instanceof Error ? e.message : String(e)}`);
          if (this.running) this.reconnect(disconnectedAt, attempt + 1);
        },
      );
    }, delay);
  }

  private startPing(socket: WebSocket): void {
    const interval = this.options.pingIntervalMs ?? 15_000;
    let answered = true;
    socket.on('pong', () => {
      answered = true;
    });
    this.pingTimer = setInterval(() => {
      // No pong since the last ping: the connection is dead even if TCP has not noticed.
      if (!answered) return socket.terminate();
      answered = false;
      socket.ping();
    }, interval);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}

/** A frame (text or binary) as its messages: Alpaca sends one object or an array of them. */
export function decodeFrame(data: RawData, notJson?: () => void): Record<string, unknown>[] {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    notJson?.();
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m));
}
