import WebSocket, { type RawData } from 'ws';
import { BrokerUnavailableError } from '../broker.errors';
import type { BrokerEvent } from '../broker.types';
import { tradeUpdateKey, tradeUpdateToEvent } from './alpaca.mapper';
import { readTradeUpdate } from './alpaca.wire';

export interface AlpacaStreamOptions {
  /** wss://paper-api.alpaca.markets/stream or wss://api.alpaca.markets/stream */
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** How long connecting, authorizing and subscribing may take. */
  readonly connectTimeoutMs: number;
  /** First reconnect delay; doubles per failed attempt up to `reconnectCapMs`. */
  readonly reconnectBaseMs: number;
  readonly reconnectCapMs?: number;
  /** A ping goes out this often; a socket that has not answered the previous one is dropped. */
  readonly pingIntervalMs?: number;
  /** How many event keys are remembered for de-duplication. */
  readonly dedupeWindow?: number;
  readonly random?: () => number;
  /** Told about messages it cannot read and about drops; the stream itself carries on. */
  readonly warn?: (message: string) => void;
}

/** What an `onReconnect` listener is told: the stream was down between these times, so
 * events of that gap may have been missed and the order management system must reconcile
 * (`listOrders` and `listFills(disconnectedAt)`). */
export interface StreamGap {
  readonly disconnectedAt: Date;
  readonly reconnectedAt: Date;
  readonly attempts: number;
}

class StreamAuthError extends Error {}

/**
 * Alpaca's trade-update stream (docs: "Websocket Streaming"): connect, send
 * `{"action":"auth","key","secret"}`, wait for `{"stream":"authorization","data":{"status":
 * "authorized"}}`, send `{"action":"listen","data":{"streams":["trade_updates"]}}`, wait for
 * the `listening` acknowledgement, then read `trade_updates` messages. The paper endpoint sends
 * binary frames, the others text; both are read the same way.
 *
 * When the socket drops it reconnects with exponential backoff and then tells `onReconnect`
 * listeners about the gap. Every event is emitted once: fills by execution id, the other
 * events by (event, order id), remembered across reconnects.
 */
export class AlpacaTradeStream {
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly reconnectListeners = new Set<(gap: StreamGap) => void>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private socket: WebSocket | null = null;
  private running = false;
  private starting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlpacaStreamOptions) {}

  get connected(): boolean {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: (gap: StreamGap) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Resolves once subscribed; throws BrokerUnavailableError when the first connection fails. */
  start(): Promise<void> {
    if (this.running) return this.starting ?? Promise.resolve();
    this.running = true;
    this.starting = this.connect().catch((e: unknown) => {
      this.running = false;
      this.starting = null;
      const reason = e instanceof Error ? e.message : String(e);
      throw new BrokerUnavailableError(`Alpaca trade-update stream: ${reason}`, { url: this.options.url });
    });
    return this.starting;
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

  /** One connection through authorization and subscription. */
  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.options.url);
      let subscribed = false;
      const fail = (reason: Error): void => {
        clearTimeout(timer);
        if (!subscribed) {
          socket.removeAllListeners('close');
          socket.on('error', () => undefined);
          socket.terminate();
          reject(reason);
        }
      };
      const timer = setTimeout(() => fail(new Error(`not subscribed within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);

      socket.on('open', () => socket.send(JSON.stringify({ action: 'auth', key: this.options.keyId, secret: this.options.secretKey })));
      socket.on('error', (e: Error) => {
        if (!subscribed) fail(e);
        else this.options.warn?.(`Alpaca trade-update stream error: ${e.message}`);
      });
      socket.on('close', () => {
        if (!subscribed) return fail(new Error('the socket closed before the subscription'));
        this.onDropped(socket);
      });
      socket.on('message', (data: RawData) => {
        for (const message of decode(data, this.options.warn)) {
          const stream = message.stream;
          const body = (typeof message.data === 'object' && message.data !== null ? message.data : {}) as Record<string, unknown>;
          if (stream === 'authorization') {
            if (body.status === 'authorized') socket.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
            else fail(new StreamAuthError(`authorization refused (${String(body.status)})`));
          } else if (stream === 'listening') {
            const streams = Array.isArray(body.streams) ? body.streams : [];
            if (!streams.includes('trade_updates')) {
              fail(new Error('the server did not subscribe trade_updates'));
            } else if (!subscribed) {
              subscribed = true;
              clearTimeout(timer);
              this.socket = socket;
              this.startPing(socket);
              resolve();
            }
          } else if (stream === 'trade_updates') {
            this.handleUpdate(message.data);
          }
        }
      });
    });
  }

  private handleUpdate(data: unknown): void {
    let event: BrokerEvent | null;
    let key: string;
    try {
      const update = readTradeUpdate(data);
      key = tradeUpdateKey(update);
      event = tradeUpdateToEvent(update);
    } catch (e) {
      this.options.warn?.(`Alpaca trade update not understood: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.seen.has(key)) return;
    this.remember(key);
    if (event === null) return;
    for (const listener of this.listeners) {
      // A listener's failure is its own: it must not stop the others or unwind into ws.
      try {
        listener(event);
      } catch (e) {
        this.options.warn?.(`An Alpaca trade-update listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    const window = this.options.dedupeWindow ?? 100_000;
    while (this.seenOrder.length > window) this.seen.delete(this.seenOrder.shift() as string);
  }

  private onDropped(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.stopPing();
    if (!this.running) return;
    this.options.warn?.('Alpaca trade-update stream dropped; reconnecting');
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
          this.options.warn?.(`Alpaca trade-update stream reconnect ${attempt + 1} failed: ${e instanceof Error ? e.message : String(e)}`);
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
function decode(data: RawData, warn?: (message: string) => void): Record<string, unknown>[] {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    warn?.('Alpaca trade-update stream sent a frame that is not JSON');
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m));
}
