import { arr, decimalId, isObject, isoTime, MalformedPayload, num, obj, str } from '../../core/social-payload';

/**
 * X API v2 recent search, `GET /2/tweets/search/recent` (docs.x.com, "Search Posts"):
 * `{data?: [{id, text, created_at, author_id, public_metrics}], meta: {result_count, newest_id?,
 * oldest_id?, next_token?}, errors?}`. A 200 with `errors` is a partial answer. Refusals are
 * problem details `{title, detail, type, status}` or `{errors: [{message, ...}], title, detail}`.
 * Pure.
 */

export interface Tweet {
  readonly id: string;
  readonly text: string;
  readonly createdAtMs: number;
  readonly authorId: string;
  readonly publicMetrics: Readonly<Record<string, number>> | null;
}

export interface XSearchPage {
  readonly tweets: Tweet[];
  readonly newestId: string | null;
  readonly nextToken: string | null;
}

/** What an X refusal says (title, detail and each error's message), or null if it is not one. */
export function xError(body: unknown): string | null {
  if (!isObject(body)) return null;
  const parts: string[] = [];
  if (typeof body.title === 'string') parts.push(body.title);
  if (typeof body.detail === 'string' && body.detail !== body.title) parts.push(body.detail);
  if (Array.isArray(body.errors)) {
    for (const e of body.errors) if (isObject(e)) parts.push(typeof e.message === 'string' ? e.message : typeof e.detail === 'string' ? e.detail : JSON.stringify(e));
  }
  return parts.length ? parts.join(': ') : null;
}

export function parseXSearch(body: unknown): XSearchPage {
  const root = obj(body, 'body');
  if (root.errors !== undefined) throw new MalformedPayload(`partial response: ${xError({ errors: root.errors }) ?? 'errors present'}`);
  const meta = obj(root.meta, 'meta');
  const count = num(meta.result_count, 'meta.result_count');
  const data = root.data === undefined ? [] : arr(root.data, 'data');
  if (data.length !== count) throw new MalformedPayload(`meta.result_count: ${count}, but data holds ${data.length}`);
  const tweets = data.map((raw, i): Tweet => {
    const path = `data[${i}]`;
    const t = obj(raw, path);
    let publicMetrics: Record<string, number> | null = null;
    if (t.public_metrics !== undefined) {
      const pm = obj(t.public_metrics, `${path}.public_metrics`);
      publicMetrics = {};
      for (const [k, v] of Object.entries(pm)) publicMetrics[k] = num(v, `${path}.public_metrics.${k}`);
    }
    return {
      id: decimalId(t.id, `${path}.id`),
      text: str(t.text, `${path}.text`),
      createdAtMs: isoTime(t.created_at, `${path}.created_at`),
      authorId: decimalId(t.author_id, `${path}.author_id`),
      publicMetrics,
    };
  });
  return {
    tweets,
    newestId: meta.newest_id === undefined ? null : decimalId(meta.newest_id, 'meta.newest_id'),
    nextToken: meta.next_token === undefined ? null : str(meta.next_token, 'meta.next_token', { nonEmpty: true }),
  };
}
