/**
 * Metric names in a PromQL expression, and the series names a Prometheus text exposition
 * offers, so dashboards and alerting rules can be checked against what `/metrics` serves.
 *
 * A tokenizer (PromQL lexical rules: https://prometheus.io/docs/prometheus/latest/querying/basics/)
 * rather than one regex: an identifier is a metric name only outside label matchers `{...}`,
 * range/subquery brackets `[...]` and grouping lists (`by (...)`, `on (...)`, ...), and when it is
 * not a function call, an aggregation operator, a keyword or a Grafana variable.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'variable' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const IDENT_START = /[A-Za-z_:]/;
const IDENT_PART = /[A-Za-z0-9_:]/;
const NUMBER_PART = /[0-9A-Za-z_.]/;
/** Longest first, so `=~` is not read as `=` then `~`. */
const PUNCT = ['=~', '!~', '!=', '==', '<=', '>=', '(', ')', '{', '}', '[', ']', ',', '=', '<', '>', '+', '-', '*', '/', '%', '^', '@', ':'];

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      // A comment runs to the end of the line.
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < expr.length && expr[i] !== c) i += c !== '`' && expr[i] === '\\' ? 2 : 1;
      if (i >= expr.length) throw new Error(`unterminated string at ${start} in ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(start, ++i) });
    } else if (c === '$') {
      // Grafana variables: $name, ${name}, ${name:format}.
      const start = i++;
      if (expr[i] === '{') {
        const end = expr.indexOf('}', i);
        if (end < 0) throw new Error(`unterminated variable at ${start} in ${expr}`);
        i = end + 1;
      } else {
        while (i < expr.length && IDENT_PART.test(expr[i])) i++;
      }
      tokens.push({ kind: 'variable', text: expr.slice(start, i) });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      // Numbers, hex, exponents (1e-3) and durations (5m, 1h30m).
      const start = i++;
      while (i < expr.length) {
        if (NUMBER_PART.test(expr[i])) i++;
        else if ((expr[i] === '+' || expr[i] === '-') && /[eE]/.test(expr[i - 1]) && !/^0[xX]/.test(expr.slice(start, i))) i++;
        else break;
      }
      tokens.push({ kind: 'number', text: expr.slice(start, i) });
    } else if (IDENT_START.test(c)) {
      const start = i++;
      while (i < expr.length && IDENT_PART.test(expr[i])) i++;
      tokens.push({ kind: 'ident', text: expr.slice(start, i) });
    } else {
      const p = PUNCT.find((s) => expr.startsWith(s, i));
      if (!p) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i} in ${expr}`);
      tokens.push({ kind: 'punct', text: p });
      i += p.length;
    }
  }
  return tokens;
}

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
/** Followed by a parenthesised list of label names. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan']);
const CLOSING: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/** The metric names an expression selects (`{__name__="x"}` included), sorted and unique. */
export function metricNamesOf(expr: string): string[] {
  const t = tokenize(expr);
  const names = new Set<string>();
  const stack: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.kind === 'punct') {
      if (tok.text in CLOSING) {
        stack.push(tok.text);
      } else if (tok.text === ')' || tok.text === '}' || tok.text === ']') {
        const open = stack.pop();
        if (open === undefined || CLOSING[open] !== tok.text) throw new Error(`unbalanced ${tok.text} in ${expr}`);
      }
      continue;
    }
    if (tok.kind !== 'ident') continue;
    const inside = stack[stack.length - 1];
    if (inside === '{') {
      // A label matcher: `__name__` selects by metric name; other identifiers are label names.
      const op = t[i + 1];
      const value = t[i + 2];
      if (tok.text === '__name__' && op?.text === '=' && value?.kind === 'string') names.add(value.text.slice(1, -1));
      i += 2;
      continue;
    }
    if (inside === '[') continue;
    const next = t[i + 1];
    const lower = tok.text.toLowerCase();
    if (GROUPING.has(lower)) {
      if (next?.text === '(') i = skipGroup(t, i + 1, expr);
      continue;
    }
    if (next?.text === '(') continue; // a function call
    if (AGGREGATIONS.has(lower) && (next?.text === 'by' || next?.text === 'without')) continue;
    if (KEYWORDS.has(lower)) continue;
    // `start()`/`end()` after `@` are calls, handled above; anything else is a selector.
    names.add(tok.text);
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack[stack.length - 1]} in ${expr}`);
  return [...names].sort();
}

/** Index of the `)` closing the label list that opens at `open`. */
function skipGroup(t: readonly Token[], open: number, expr: string): number {
  for (let j = open + 1; j < t.length; j++) {
    if (t[j].text === ')') return j;
    if (t[j].kind !== 'ident' && t[j].text !== ',') throw new Error(`unexpected ${t[j].text} in a label list in ${expr}`);
  }
  throw new Error(`unclosed label list in ${expr}`);
}

/**
 * The series names a scrape of this text exposition (format 0.0.4) gives Prometheus: every
 * sample's name, and for families declared with `# TYPE` but without samples yet (labelled
 * metrics nothing has touched), the names their samples will have: a histogram's `_bucket`,
 * `_sum`, `_count`, a summary's `_sum`, `_count` and the family name, a counter or gauge its
 * name as declared (prom-client adds no `_total`; a counter declared as `trades_failed` is
 * stored as `trades_failed`).
 */
export function exposedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const raw of exposition.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (!m) continue;
      const [, name, type] = m;
      if (type === 'histogram') ['_bucket', '_sum', '_count'].forEach((s) => names.add(name + s));
      else if (type === 'summary') ['', '_sum', '_count'].forEach((s) => names.add(name + s));
      else names.add(name);
      continue;
    }
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}
