/**
 * Checks the operator guides in docs/ against the code they describe: every npm script, CLI
 * command and option, environment variable, metric, HTTP route and repository path a guide names
 * must exist. Pure over its inputs (the known names are gathered by the spec), so the spec can
 * also feed it a wrong guide and see each problem reported.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';

export interface KnownNames {
  /** package.json script names. */
  readonly scripts: ReadonlySet<string>;
  /** The CLI as commander builds it (buildProgram). */
  readonly cli: Command;
  /** Environment variables: CONFIG_SPEC names, compose/.env.example/Kubernetes names, error codes and the allow-list. */
  readonly upperSnake: ReadonlySet<string>;
  /** Metric series names (METRIC values, Node default metrics, histogram series). */
  readonly metrics: ReadonlySet<string>;
  /** `METHOD /path` with every path parameter written `{}`. */
  readonly routes: ReadonlySet<string>;
  /** Repository root, for the paths a guide names. */
  readonly root: string;
}

/** `/a/:id/b` and `/a/{id}/b` are both `/a/{}/b`; a query string and a trailing slash are dropped. */
export function normalizeRoute(method: string, path: string): string {
  const p = path
    .replace(/[?#].*$/, '')
    // A shell variable in a URL (`/orders/$ORDER_ID`) stands for a path parameter.
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '{}')
    .replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '{}')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/(.)\/$/, '$1');
  return `${method.toUpperCase()} ${p}`;
}

/** The code of a markdown text: fenced blocks line by line, then inline code spans. */
export function codeOf(markdown: string): string[] {
  const out: string[] = [];
  const fence = /^```[^\n]*\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(fence)) out.push(...m[1].split('\n'));
  const prose = markdown.replace(fence, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  return out;
}

/** A CLI invocation: `npx quantdesk`, `npm run cli --` or `node bin/quantdesk.js` anywhere in a line (after `docker compose exec api`, env assignments, ...). */
const CLI_CALL = /(?:^|\s)(?:npx\s+quantdesk|npm\s+run\s+cli\s+--|node\s+bin\/quantdesk\.js)\s+(.*)$/;
/** A bare `quantdesk ...` counts only at the start of a code line or span (elsewhere it is the database's or the project's name). */
const CLI_BARE = /^(?:\$\s+)?quantdesk\s+(.*)$/;

/** Problems of one CLI invocation's arguments (after `quantdesk`), against commander's tree. */
export function cliProblems(args: string, program: Command): string[] {
  const tokens = args.split(/\s+|(?=[|;&>#])/).filter(Boolean);
  const end = tokens.findIndex((t) => /^[|;&>#]/.test(t) || t === '\\');
  const words = end < 0 ? tokens : tokens.slice(0, end);
  if (words.length === 0) return [];
  let cmd = program;
  let path = 'quantdesk';
  let i = 0;
  for (; i < words.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === words[i] || c.aliases().includes(words[i]));
    if (!sub) break;
    cmd = sub;
    path += ` ${sub.name()}`;
  }
  const problems: string[] = [];
  if (cmd === program && !/^--?(help|h|version|V)$/.test(words[0] ?? '')) return [`quantdesk ${words[0]}: no such command`];
  if (cmd !== program && cmd.commands.length > 0 && i < words.length && !words[i].startsWith('-')) {
    problems.push(`${path} ${words[i]}: no such subcommand`);
  }
  const longs = new Set(cmd.options.map((o) => o.long).filter((l): l is string => !!l));
  for (const w of words.slice(i)) {
    // `(--csv FILE | --synthetic)` in a synopsis: the option is what is inside the brackets.
    const flag = /^[([]*(--[a-z][\w-]*)/.exec(w)?.[1];
    if (!flag || flag === '--help') continue;
    if (!longs.has(flag) && !(flag.startsWith('--no-') && longs.has(`--${flag.slice(5)}`))) problems.push(`${path} ${flag}: no such option`);
  }
  return problems;
}

/** Names that may follow `QuantDesk` in prose and are not alert names. */
const ALERT_NAME = /\bQuantDesk[A-Z][A-Za-z]+\b/g;
export function alertNamesOf(markdown: string): string[] {
  return [...new Set(markdown.match(ALERT_NAME) ?? [])];
}

/** Suffixes that make a snake_case word a metric name (Prometheus naming: unit or kind last). */
const METRIC_WORD =
  /(?<![\w./-])([a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:total|seconds|usd|pct|bps|bytes|ratio|bucket|sum|count|statistic|accuracy|state))(?![\w.(/-])/g;

const REPO_PATH = /(?<![\w./:~-])((?:docs|monitoring|deployment|src|scripts|test|migrations|data|bench|bin)\/[\w.*/-]*[\w*-])/g;
const ROOT_FILE = /(?<![\w./-])(\.env\.example|docker-compose\.yml|Dockerfile|package\.json|README\.md)(?![\w-])/g;
const ROUTE = /\b(GET|POST|PUT|PATCH|DELETE)\s+(\/[^\s`'"),|]*)/g;
/** A URL of the server (port 3000, as the guides run it) in a command: its path must be a route (any method); other ports are Prometheus, Grafana, Kibana. */
const SERVER_URL = /(?:localhost|127\.0\.0\.1)(?::3000)?(\/(?:api|health|metrics)[^\s'"`)]*)/g;
const UPPER_SNAKE = /(?<![\w$/-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w-])/g;

/** Whether a repository path, possibly with `*` globs in its last part, names something that exists. */
export function pathExists(root: string, rel: string): boolean {
  if (!rel.includes('*')) return existsSync(join(root, rel));
  const dir = join(root, dirname(rel));
  if (dir.includes('*') || !existsSync(dir)) return false;
  const re = new RegExp(`^${rel.slice(rel.lastIndexOf('/') + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(dir).some((f) => re.test(f));
}

/** Every problem of one guide: a name it uses that the code does not have. */
export function guideProblems(markdown: string, known: KnownNames): string[] {
  const problems: string[] = [];
  const code = codeOf(markdown);

  for (const m of markdown.matchAll(/\bnpm\s+(?:run\s+([\w:-]+)|(start|test)\b)/g)) {
    const script = m[1] ?? m[2];
    if (!known.scripts.has(script)) problems.push(`npm script "${script}" is not in package.json`);
  }
  for (const line of code) {
    const m = CLI_CALL.exec(line.trim()) ?? CLI_BARE.exec(line.trim());
    if (m) problems.push(...cliProblems(m[1], known.cli));
  }
  for (const m of markdown.matchAll(UPPER_SNAKE)) {
    if (!known.upperSnake.has(m[1])) problems.push(`${m[1]} is neither a configuration variable nor a known name`);
  }
  for (const m of markdown.matchAll(METRIC_WORD)) {
    if (!known.metrics.has(m[1])) problems.push(`metric ${m[1]} is not exported`);
  }
  for (const m of markdown.matchAll(ROUTE)) {
    if (!m[2].startsWith('/api/') && !m[2].startsWith('/health') && !m[2].startsWith('/metrics') && !m[2].startsWith('/admin/')) continue;
    const route = normalizeRoute(m[1], m[2]);
    if (!known.routes.has(route)) problems.push(`route ${route} is not served`);
  }
  const paths = new Set([...known.routes].map((r) => r.slice(r.indexOf(' ') + 1)));
  for (const m of markdown.matchAll(SERVER_URL)) {
    const p = normalizeRoute('GET', m[1]).slice(4);
    if (!paths.has(p)) problems.push(`URL path ${p} is not served`);
  }
  for (const m of [...markdown.matchAll(REPO_PATH), ...markdown.matchAll(ROOT_FILE)]) {
    // `deployment/NAME` alone is kubectl's way to name a Deployment, not a path.
    if (/^deployment\/[\w-]+$/.test(m[1]) && m[1] !== 'deployment/kubernetes' && m[1] !== 'deployment/nginx') continue;
    if (!pathExists(known.root, m[1])) problems.push(`path ${m[1]} does not exist`);
  }
  return [...new Set(problems)];
}
