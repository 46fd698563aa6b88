import { arr, decimalId, isObject, isoTime, MalformedPayload, num, obj, str, type ParsedMention } from '../../core/social-payload';

/**
 * StockTwits API 2, `GET /api/2/streams/symbol/{symbol}.json` (api.stocktwits.com/developers/docs/api):
 * `{response: {status}, symbol, cursor: {more, since, max}, messages: [{id, body, created_at,
 * user: {username}, symbols: [{symbol}], entities: {sentiment: {basic: "Bullish"|"Bearish"} | null}}]}`,
 * newest first. Errors come as `{response: {status}, errors: [{message}]}`. Pure.
 */

export interface StocktwitsCursor {
  readonly more: boolean;
  /** Newest message id of the page. */
  readonly since: string | null;
  /** Oldest message id of the page (pass as `max` for the next, older page). */
  readonly max: string | null;
}

export interface StocktwitsPage {
  readonly messages: ParsedMention[];
  readonly cursor: StocktwitsCursor;
}

/** The documented error envelope, or null when the body is not one. */
export function stocktwitsError(body: unknown): { status: number; message: string } | null {
  if (!isObject(body) || !Array.isArray(body.errors) || body.errors.length === 0) return null;
  const response = isObject(body.response) ? body.response : {};
  const status = typeof response.status === 'number' ? response.status : 0;
  const messages = body.errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e)));
  return { status, message: messages.join('; ') };
}

function label(entities: unknown, path: string): 'bullish' | 'bearish' | null {
  if (entities === undefined || entities === null) return null;
  const e = obj(entities, path);
  if (e.sentiment === undefined || e.sentiment === null) return null;
  const basic = obj(e.sentiment, `${path}.sentiment`).basic;
  if (basic === null || basic === undefined) return null;
  if (basic === 'Bullish') return 'bullish';
  if (basic === 'Bearish') return 'bearish';
  throw new MalformedPayload(`${path}.sentiment.basic: not Bullish, Bearish or null`);
}

/** One page of a symbol stream; throws MalformedPayload naming the first bad field. */
export function parseStocktwitsStream(body: unknown, streamSymbol: string): StocktwitsPage {
  const root = obj(body, 'body');
  const status = num(obj(root.response, 'response').status, 'response.status');
  if (status !== 200) throw new MalformedPayload(`response.status: ${status} without errors`);
  const rawCursor = root.cursor === undefined ? {} : obj(root.cursor, 'cursor');
  const cursor: StocktwitsCursor = {
    more: rawCursor.more === true,
    since: rawCursor.since === undefined || rawCursor.since === null ? null : decimalId(rawCursor.since, 'cursor.since'),
    max: rawCursor.max === undefined || rawCursor.max === null ? null : decimalId(rawCursor.max, 'cursor.max'),
  };
  const stream = streamSymbol.toUpperCase();
  const messages = arr(root.messages, 'messages').map((raw, i): ParsedMention => {
    const path = `messages[${i}]`;
    const m = obj(raw, path);
    const id = decimalId(m.id, `${path}.id`);
    const username = str(obj(m.user, `${path}.user`).username, `${path}.user.username`, { nonEmpty: true });
    const symbols = new Set<string>([stream]);
    if (m.symbols !== undefined) {
      arr(m.symbols, `${path}.symbols`).forEach((s, j) => symbols.add(str(obj(s, `${path}.symbols[${j}]`).symbol, `${path}.symbols[${j}].symbol`, { nonEmpty: true }).toUpperCase()));
    }
    return {
      providerId: id,
      source: stream,
      symbols: [...symbols],
      author: username,
      text: str(m.body, `${path}.body`),
      url: `https://stocktwits.com/${encodeURIComponent(username)}/message/${id}`,
      publishedAtMs: isoTime(m.created_at, `${path}.created_at`),
      providerLabel: label(m.entities, `${path}.entities`),
    };
  });
  return { messages, cursor };
}
