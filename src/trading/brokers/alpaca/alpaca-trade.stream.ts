import { ReconnectingSocket, type SocketSession, type StreamGap } from '../../../common/ws/reconnecting-socket';
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
export type { StreamGap };

class StreamAuthError extends Error {}

/**
 * Alpaca's trade-update stream (docs: "Websocket Streaming"): connect, send
 * `{"action":"auth","key","secret"}`, wait for `{"stream":"authorization","data":{"status":
 * "authorized"}}`, send `{"action":"listen","data":{"streams":["trade_updates"]}}`, wait for
 * the `listening` acknowledgement, then read `trade_updates` messages. The paper endpoint sends
 * binary frames, the others text; both are read the same way.
 *
 * When the socket drops it reconnects with exponential backoff (the shared ReconnectingSocket of
 * src/common/ws) and then tells `onReconnect`
 * listeners about the gap. Every event is emitted once: fills by execution id, the other
 * events by (event, order id), remembered across reconnects.
 */
export class AlpacaTradeStream {
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly socket: ReconnectingSocket;

  constructor(private readonly options: AlpacaStreamOptions) {
    this.socket = new ReconnectingSocket(
      {
        url: options.url,
        name: 'Alpaca trade-update stream',
        connectTimeoutMs: options.connectTimeoutMs,
        reconnectBaseMs: options.reconnectBaseMs,
        reconnectCapMs: options.reconnectCapMs,
        pingIntervalMs: options.pingIntervalMs,
        random: options.random,
        warn: options.warn,
      },
      {
        opened: (session) => session.send({ action: 'auth', key: options.keyId, secret: options.secretKey }),
        message: (message, session) => this.onMessage(message, session),
      },
    );
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: (gap: StreamGap) => void): () => void {
    return this.socket.onReconnect(listener);
  }

  /** Resolves once subscribed; throws BrokerUnavailableError when the first connection fails. */
  start(): Promise<void> {
    return this.socket.start().catch((e: unknown) => {
      const reason = e instanceof Error ? e.message : String(e);
      throw new BrokerUnavailableError(`Alpaca trade-update stream: ${reason}`, { url: this.options.url });
    });
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  private onMessage(message: Record<string, unknown>, session: SocketSession): void {
    const stream = message.stream;
    const body = (typeof message.data === 'object' && message.data !== null ? message.data : {}) as Record<string, unknown>;
    if (stream === 'authorization') {
      if (body.status === 'authorized') session.send({ action: 'listen', data: { streams: ['trade_updates'] } });
      else session.fail(new StreamAuthError(`authorization refused (${String(body.status)})`));
    } else if (stream === 'listening') {
      const streams = Array.isArray(body.streams) ? body.streams : [];
      if (!streams.includes('trade_updates')) session.fail(new Error('the server did not subscribe trade_updates'));
      else session.ready();
    } else if (stream === 'trade_updates') {
      this.handleUpdate(message.data);
    }
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
}
