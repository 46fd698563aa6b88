/**
 * Which symbols a text is about: cashtags ($AAPL, $BRK.B), bare tickers of a known universe
 * (AAPL in "AAPL rallies"), and company names (Apple, "Goldman Sachs"). Pure: the universe and
 * the name map are passed in.
 *
 * A bare ticker counts only when it is in the universe, written in capitals, and not a common
 * English word in capitals ("IT", "ALL", "ON" are tickers too; headlines in capitals would
 * otherwise tag them). A cashtag is explicit, so it counts whether or not it is in the universe.
 */
export interface SymbolUniverse {
  /** Tickers we trade or follow, upper case. */
  readonly tickers: ReadonlySet<string>;
  /** Lower-case company name (one or more words) to ticker. */
  readonly companyNames: ReadonlyMap<string, string>;
}

/** Tickers that are also words a headline writes in capitals (and a few acronyms). */
const AMBIGUOUS = new Set(['A', 'I', 'IT', 'ALL', 'ON', 'ARE', 'BE', 'CAN', 'FOR', 'NOW', 'ONE', 'OUT', 'SO', 'AN', 'AT', 'BIG', 'CEO', 'CFO', 'EPS', 'GDP', 'IPO', 'USA', 'UK', 'EU', 'AI', 'TV', 'OR', 'ANY', 'NEW', 'SEE', 'YOU', 'WELL', 'GOOD', 'REAL', 'FUN', 'LOVE', 'PLAY', 'TECH', 'CASH', 'MAIN', 'DD', 'YOLO', 'ATH', 'FOMO', 'IMO', 'LOL']);

const CASHTAG = /(?:^|[^A-Za-z0-9$])\$([A-Za-z]{1,5}(?:\.[A-Za-z])?)(?![A-Za-z0-9])/g;
const BARE = /(?:^|[^A-Za-z0-9$])([A-Z]{1,5}(?:\.[A-Z])?)(?![A-Za-z0-9])/g;

/** Symbols found, upper case, in order of first appearance, each once. */
export function extractSymbols(text: string, universe: SymbolUniverse): string[] {
  const found = new Map<string, number>();
  const add = (sym: string, at: number) => {
    if (!found.has(sym)) found.set(sym, at);
  };
  for (const m of text.matchAll(CASHTAG)) add(m[1].toUpperCase(), m.index);
  for (const m of text.matchAll(BARE)) {
    const sym = m[1];
    if (universe.tickers.has(sym) && !AMBIGUOUS.has(sym)) add(sym, m.index);
  }
  if (universe.companyNames.size > 0) {
    const lower = text.toLowerCase();
    for (const [name, sym] of universe.companyNames) {
      let from = 0;
      for (;;) {
        const at = lower.indexOf(name, from);
        if (at < 0) break;
        const before = at === 0 ? ' ' : lower[at - 1];
        const after = at + name.length >= lower.length ? ' ' : lower[at + name.length];
        // Whole words only ("Apple" but not "Pineapple"); a possessive "Apple's" still counts.
        if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) {
          add(sym, at);
          break;
        }
        from = at + 1;
      }
    }
  }
  return [...found.entries()].sort((a, b) => a[1] - b[1]).map(([s]) => s);
}
