import { ReconnectingSocket, type SocketSession, type StreamGap } from '../../common/ws/reconnecting-socket';
import { ALPACA_STREAM_ERRORS, readStreamMessage, type FeedBar } from './core/alpaca-bars.parser';

export interface AlpacaBarsStreamOptions {
  /** wss://stream.data.alpaca.markets/v2/iex (or /sip). */
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly connectTimeoutMs: number;
  /** First reconnect delay; doubles per failed attempt up to 30 s. */
  readonly reconnectBaseMs: number;
  readonly pingIntervalMs?: number;
  readonly random?: () => number;
  /** Told about refused messages, stream errors and drops; the stream carries on. */
  readonly warn?: (message: string) => void;
}

/** A stream error (`{"T":"error","code":402,"msg":"auth failed"}`) as an Error. */
export class AlpacaStreamError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(`${code ?? 'error'} ${message}`);
    this.name = 'AlpacaStreamError';
  }
}

/**
 * Alpaca Market Data v2 real-time bars (docs "Real-time Stock Data"). On connect the server
 * sends `[{"T":"success","msg":"connected"}]`; we send `{"action":"auth","key","secret"}` and
 * wait for `authenticated` (or an error: 402 auth failed, 406 connection limit exceeded, 409
 * insufficient subscription, ...), then `{"action":"subscribe","bars":[...],"updatedBars":[...]}`
 * and wait for the `subscription` answer. Then minute bars (`b`) and corrections (`u`) go to
 * `onBar` listeners; a bad one is warned about and skipped. The subscription follows
 * `setSymbols` while connected and is sent whole after each reconnect. Drops reconnect with
 * backoff (the shared ReconnectingSocket) and `onReconnect` is told the gap, which the feed
 * backfills over REST.
 */
export class AlpacaBarsStream {
  private readonly barListeners = new Set<(bar: FeedBar, correction: boolean) => void>();
  private readonly socket: ReconnectingSocket;
  /** What we want subscribed. */
  private wanted: ReadonlySet<string> = new Set();
  /** What the server last confirmed on the current connection. */
  private confirmed: ReadonlySet<string> = new Set();
  private lastErrorText: string | null = null;

  constructor(private readonly options: AlpacaBarsStreamOptions) {
    this.socket = new ReconnectingSocket(
      {
        url: options.url,
        name: 'Alpaca market-data stream',
        connectTimeoutMs: options.connectTimeoutMs,
        reconnectBaseMs: options.reconnectBaseMs,
        pingIntervalMs: options.pingIntervalMs,
        random: options.random,
        warn: options.warn,
      },
      // Alpaca speaks first (`connected`); auth is sent on that message, not on open.
      { opened: () => undefined, message: (m, session) => this.onMessage(m, session) },
    );
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Symbols the server confirmed on the current connection. */
  get subscribed(): readonly string[] {
    return [...this.confirmed].sort();
  }

  /** The last error the server sent, or the reason the last connection failed. */
  get lastError(): string | null {
    return this.lastErrorText;
  }

  onBar(listener: (bar: FeedBar, correction: boolean) => void): () => void {
    this.barListeners.add(listener);
    return () => this.barListeners.delete(listener);
  }

  onReconnect(listener: (gap: StreamGap) => void): () => void {
    return this.socket.onReconnect(listener);
  }

  /**
   * Connects and keeps the connection: resolves once subscribed, rejects with the reason when the
   * first attempt fails (it is retried with backoff all the same; the first success is then told
   * to `onReconnect` listeners as the end of a gap from now).
   */
  start(): Promise<void> {
    return this.socket.start(true).catch((e: unknown) => {
      this.lastErrorText = e instanceof Error ? e.message : String(e);
      throw e;
    });
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  /** The symbols to stream; changes are sent at once when connected, else on the next connection. */
  setSymbols(symbols: Iterable<string>): void {
    const next = new Set(symbols);
    const added = [...next].filter((s) => !this.wanted.has(s));
    const removed = [...this.wanted].filter((s) => !next.has(s));
    this.wanted = next;
    if (!this.connected) return;
    if (added.length) this.socket.send({ action: 'subscribe', bars: added, updatedBars: added });
    if (removed.length) this.socket.send({ action: 'unsubscribe', bars: removed, updatedBars: removed });
  }

  private onMessage(raw: Record<string, unknown>, session: SocketSession): void {
    const m = readStreamMessage(raw);
    switch (m.kind) {
      case 'connected':
        session.send({ action: 'auth', key: this.options.keyId, secret: this.options.secretKey });
        return;
      case 'authenticated': {
        this.confirmed = new Set();
        this.lastErrorText = null;
        const symbols = [...this.wanted];
        // Nothing to stream yet: connected and authenticated is ready; setSymbols subscribes later.
        if (symbols.length === 0) return session.ready();
        session.send({ action: 'subscribe', bars: symbols, updatedBars: symbols });
        return;
      }
      case 'subscription': {
        this.confirmed = new Set(m.bars);
        this.lastErrorText = null;
        if (session.isReady) return;
        session.ready();
        // setSymbols during the handshake changed only `wanted`: send the difference now (once,
        // not on every answer, so a symbol the server will not take is not asked for in a loop).
        const added = [...this.wanted].filter((s) => !this.confirmed.has(s));
        const removed = [...this.confirmed].filter((s) => !this.wanted.has(s));
        if (added.length) session.send({ action: 'subscribe', bars: added, updatedBars: added });
        if (removed.length) session.send({ action: 'unsubscribe', bars: removed, updatedBars: removed });
        return;
      }
      case 'error': {
        const text = `${m.code ?? ''} ${m.message}${m.code !== null && ALPACA_STREAM_ERRORS[m.code] && ALPACA_STREAM_ERRORS[m.code] !== m.message ? ` (${ALPACA_STREAM_ERRORS[m.code]})` : ''}`.trim();
        this.lastErrorText = text;
        // Before the subscription an error (auth failed, connection limit, insufficient
        // subscription) ends this connection; the backoff tries again. After it (a symbol limit)
        // the stream carries on with what it has.
        if (!session.isReady) session.fail(new AlpacaStreamError(m.code, m.message));
        else this.options.warn?.(`Alpaca market-data stream error: ${text}`);
        return;
      }
      case 'bar':
        for (const listener of this.barListeners) {
          try {
            listener(m.bar, m.correction);
          } catch (e) {
            this.options.warn?.(`An Alpaca bar listener failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        return;
      case 'invalid':
        this.options.warn?.(`Alpaca market-data message skipped: ${m.reason}`);
        return;
      case 'ignored':
        return;
    }
  }
}
