import { arr, isObject, MalformedPayload, num, obj, str } from '../../core/social-payload';

/**
 * Reddit's OAuth API (www.reddit.com/dev/api): the token answer of `POST /api/v1/access_token`
 * `{access_token, token_type: "bearer", expires_in, scope}` (or `{error}`), and the Listing of
 * `GET /r/{sub}/new`: `{kind: "Listing", data: {after, before, children: [{kind: "t3", data:
 * {id, name, title, selftext, author, created_utc, permalink, url, subreddit}}]}}`. Pure.
 */

/** A Reddit post, normalized for whoever stores it (social mentions, news articles). */
export interface RedditPost {
  /** Base-36 id, e.g. `1abcde`. */
  readonly id: string;
  /** The fullname, `t3_` + id (Reddit's paging cursor). */
  readonly name: string;
  readonly title: string;
  readonly selftext: string;
  /** The link of a link post, or the post itself for a self post. */
  readonly url: string;
  /** Absolute URL of the post's comments page. */
  readonly permalink: string;
  readonly createdAt: Date;
  readonly subreddit: string;
  /** `[deleted]` when the account is gone. */
  readonly author: string;
}

export interface RedditListing {
  readonly posts: RedditPost[];
  /** Fullname to pass as `after` for the next (older) page; null on the last. */
  readonly after: string | null;
}

export interface RedditToken {
  readonly accessToken: string;
  readonly expiresInS: number;
}

export function parseRedditToken(body: unknown): RedditToken {
  const root = obj(body, 'body');
  if (typeof root.error === 'string' || typeof root.error === 'number') throw new MalformedPayload(`token error: ${String(root.error)}`);
  const tokenType = str(root.token_type, 'token_type');
  if (tokenType.toLowerCase() !== 'bearer') throw new MalformedPayload(`token_type: "${tokenType}", not bearer`);
  return { accessToken: str(root.access_token, 'access_token', { nonEmpty: true }), expiresInS: num(root.expires_in, 'expires_in') };
}

const REDDIT = 'https://www.reddit.com';

export function parseRedditListing(body: unknown): RedditListing {
  const root = obj(body, 'body');
  if (root.kind !== 'Listing') throw new MalformedPayload(`kind: ${JSON.stringify(root.kind ?? null)}, not Listing`);
  const data = obj(root.data, 'data');
  const posts = arr(data.children, 'data.children').map((raw, i): RedditPost => {
    const path = `data.children[${i}]`;
    const child = obj(raw, path);
    if (child.kind !== 't3') throw new MalformedPayload(`${path}.kind: ${JSON.stringify(child.kind ?? null)}, not t3 (a post)`);
    const d = obj(child.data, `${path}.data`);
    const id = str(d.id, `${path}.data.id`, { nonEmpty: true });
    const name = str(d.name, `${path}.data.name`);
    if (name !== `t3_${id}`) throw new MalformedPayload(`${path}.data.name: "${name}" is not t3_${id}`);
    const created = num(d.created_utc, `${path}.data.created_utc`);
    const permalink = str(d.permalink, `${path}.data.permalink`, { nonEmpty: true });
    return {
      id,
      name,
      title: str(d.title, `${path}.data.title`),
      // Link posts have an empty selftext; removed ones may carry null.
      selftext: d.selftext === null ? '' : str(d.selftext, `${path}.data.selftext`),
      url: str(d.url, `${path}.data.url`),
      permalink: permalink.startsWith('http') ? permalink : `${REDDIT}${permalink}`,
      createdAt: new Date(Math.round(created * 1000)),
      subreddit: str(d.subreddit, `${path}.data.subreddit`, { nonEmpty: true }),
      author: str(d.author, `${path}.data.author`),
    };
  });
  const after = data.after === null || data.after === undefined ? null : str(data.after, 'data.after');
  return { posts, after };
}

/** Reddit's `{message, error}` answer of a refused request, or null. */
export function redditError(body: unknown): string | null {
  if (!isObject(body)) return null;
  if (typeof body.message === 'string') return `${body.message}${body.error !== undefined ? ` (${String(body.error)})` : ''}`;
  if (typeof body.error === 'string') return body.error;
  return null;
}
