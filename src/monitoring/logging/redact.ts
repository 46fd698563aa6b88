/**
 * Secret scrubbing for log records. Keys are never logged: fields with secret-looking names
 * are masked whatever their value, and API keys, bearer tokens and URL passwords are masked
 * wherever they appear inside strings (an error message that echoes a header, a URL).
 */
const SECRET_FIELD = /^(authorization|password|passwd|secret|token|api[-_]?key|key|apikey|x-api-key|cookie|set-cookie|auth[-_]?token|client[-_]?secret|access[-_]?token|refresh[-_]?token)$/i;

/** QuantDesk API keys (`qd_<id>_<secret>`), bearer tokens, and user:password@ in URLs. */
const SECRET_IN_TEXT: readonly [RegExp, string][] = [
  [/qd_[A-Za-z0-9]+_[A-Za-z0-9_-]{16,}/g, 'qd_***'],
  [/(bearer\s+)[^\s"',;]+/gi, '$1***'],
  [/(\/\/[^/\s:@]*:)[^@\s/]+@/g, '$1***@'],
];

export const REDACTED = '***';

export function redactText(s: string): string {
  let out = s;
  for (const [re, rep] of SECRET_IN_TEXT) out = out.replace(re, rep);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
