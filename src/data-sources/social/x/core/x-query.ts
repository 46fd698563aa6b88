/** X's recent-search query limit (Basic and Pro access: 512 characters). */
const MAX_QUERY_LENGTH = 512;
const QUERY_SUFFIX = ' -is:retweet';

/** SOCIAL_SYMBOLS as cashtag queries of at most 512 characters: `($AAPL OR $MSFT) -is:retweet`. */
export function cashtagQueries(symbols: readonly string[]): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  const render = (b: string[]) => `(${b.map((s) => `$${s.toUpperCase()}`).join(' OR ')})${QUERY_SUFFIX}`;
  for (const s of symbols) {
    if (batch.length > 0 && render([...batch, s]).length > MAX_QUERY_LENGTH) {
      out.push(render(batch));
      batch = [];
    }
    batch.push(s);
  }
  if (batch.length) out.push(render(batch));
  return out;
}
