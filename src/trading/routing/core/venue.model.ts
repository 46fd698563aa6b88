/**
 * Venue models of the smart order router (pure: no framework, no I/O). A venue is what the
 * router knows before any evidence: its fees, how fast it answers, how much it displays, its lot
 * size, and for a dark pool the midpoint fill probability and minimum size. Evidence gathered
 * while routing lives in venue scores (venue-score.ts) and refines these priors.
 *
 * Quantities are whole shares; prices and costs are float64 (the router estimates costs; the
 * order book and ledger keep their decimals).
 */

export const VENUE_KINDS = ['lit', 'dark'] as const;
export type VenueKind = (typeof VENUE_KINDS)[number];

export const FEE_UNITS = ['bps', 'per_share'] as const;
/** bps: of the traded notional; per_share: currency per share. */
export type FeeUnit = (typeof FEE_UNITS)[number];

/** Maker/taker fees; a negative value is a rebate (as on inverted venues). */
export interface FeeSchedule {
  readonly unit: FeeUnit;
  readonly maker: number;
  readonly taker: number;
}

/**
 * Displayed depth on one side of the book: level k (0 = the touch) shows touch · decay^k shares,
 * `levels` levels deep, one tick apart. The touch is either a configured size or a fraction of
 * the symbol's average daily volume (ADV), so one model fits liquid and thin names.
 */
export type DepthModel =
  | { readonly kind: 'fixed'; readonly touchSize: number; readonly decay: number; readonly levels: number }
  | { readonly kind: 'adv_fraction'; readonly touchFraction: number; readonly decay: number; readonly levels: number };

export interface LitVenue {
  readonly name: string;
  readonly kind: 'lit';
  readonly fees: FeeSchedule;
  readonly latencyMs: number;
  readonly lotSize: number;
  readonly depth: DepthModel;
  /** Prior probability that displayed size is still there when the child order arrives. */
  readonly fillProbability: number;
}

export interface DarkPool {
  readonly name: string;
  readonly kind: 'dark';
  readonly fees: FeeSchedule;
  readonly latencyMs: number;
  readonly lotSize: number;
  /** Prior probability that a midpoint ping finds a counterparty. */
  readonly fillProbability: number;
  /** The pool accepts no order below this size (shares). */
  readonly minSize: number;
  /** The most one ping may rest (shares). */
  readonly maxSize: number;
}

export type Venue = LitVenue | DarkPool;

export interface VenueIssue {
  readonly field: string;
  readonly reason: string;
}

export type ParseVenuesResult = { readonly ok: true; readonly venues: readonly Venue[] } | { readonly ok: false; readonly issues: readonly VenueIssue[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads fields of one object; nested readers share the issue list of their parent. */
class Reader {
  constructor(
    private readonly obj: Obj,
    private readonly path: string,
    readonly issues: VenueIssue[] = [],
  ) {}

  private at(key: string): string {
    return `${this.path}.${key}`;
  }

  number(key: string, min: number, max: number, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.issues.push({ field: this.at(key), reason: 'must be a finite number' });
      return NaN;
    }
    if (opts.integer && !Number.isInteger(v)) this.issues.push({ field: this.at(key), reason: 'must be an integer' });
    else if (opts.exclusiveMin ? v <= min : v < min) this.issues.push({ field: this.at(key), reason: `must be ${opts.exclusiveMin ? 'greater than' : 'at least'} ${min}` });
    else if (v > max) this.issues.push({ field: this.at(key), reason: `must be at most ${max}` });
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.obj[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.issues.push({ field: this.at(key), reason: `must be one of ${values.join(', ')}` });
      return values[0];
    }
    return v as T;
  }

  object(key: string): Reader {
    const v = this.obj[key];
    if (!isObj(v)) {
      this.issues.push({ field: this.at(key), reason: 'must be an object' });
      return new Reader({}, this.at(key), this.issues);
    }
    return new Reader(v, this.at(key), this.issues);
  }

  unknownKeys(allowed: readonly string[]): void {
    for (const k of Object.keys(this.obj)) if (!allowed.includes(k)) this.issues.push({ field: this.at(k), reason: 'is not a known field' });
  }
}

/** Fees beyond ±1% of notional or ±1 currency unit a share are typos, not schedules. */
const MAX_FEE = { bps: 100, per_share: 1 } as const;

function readFees(r: Reader): FeeSchedule {
  r.unknownKeys(['unit', 'maker', 'taker']);
  const unit = r.oneOf('unit', FEE_UNITS);
  const limit = MAX_FEE[unit];
  return { unit, maker: r.number('maker', -limit, limit), taker: r.number('taker', -limit, limit) };
}

function readDepth(r: Reader): DepthModel {
  const kind = r.oneOf('kind', ['fixed', 'adv_fraction'] as const);
  const decay = r.number('decay', 0, 1, { exclusiveMin: true });
  const levels = r.number('levels', 1, 50, { integer: true });
  if (kind === 'fixed') {
    r.unknownKeys(['kind', 'touchSize', 'decay', 'levels']);
    return { kind, touchSize: r.number('touchSize', 1, 1e9, { integer: true }), decay, levels };
  }
  r.unknownKeys(['kind', 'touchFraction', 'decay', 'levels']);
  return { kind, touchFraction: r.number('touchFraction', 0, 1, { exclusiveMin: true }), decay, levels };
}

/**
 * Venues from configuration (parsed JSON): every problem is reported with its path
 * (`venues[2].fees.taker: must be at most 100`), unknown fields included, names unique.
 */
export function parseVenues(input: unknown): ParseVenuesResult {
  if (!Array.isArray(input)) return { ok: false, issues: [{ field: 'venues', reason: 'must be an array of venues' }] };
  if (input.length === 0) return { ok: false, issues: [{ field: 'venues', reason: 'must hold at least one venue' }] };
  const issues: VenueIssue[] = [];
  const venues: Venue[] = [];
  const names = new Set<string>();
  input.forEach((raw, i) => {
    const path = `venues[${i}]`;
    if (!isObj(raw)) {
      issues.push({ field: path, reason: 'must be an object' });
      return;
    }
    const r = new Reader(raw, path);
    const name = raw.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,32}$/.test(name)) {
      r.issues.push({ field: `${path}.name`, reason: 'must be 1 to 32 letters, digits, _ . -' });
    } else if (names.has(name)) {
      r.issues.push({ field: `${path}.name`, reason: `duplicates another venue's name "${name}"` });
    } else names.add(name);
    const kind = r.oneOf('kind', VENUE_KINDS);
    const fees = readFees(r.object('fees'));
    const latencyMs = r.number('latencyMs', 0, 60_000);
    const lotSize = r.number('lotSize', 1, 1e6, { integer: true });
    const fillProbability = r.number('fillProbability', 0, 1, { exclusiveMin: true });
    if (kind === 'lit') {
      r.unknownKeys(['name', 'kind', 'fees', 'latencyMs', 'lotSize', 'depth', 'fillProbability']);
      const depth = readDepth(r.object('depth'));
      venues.push({ name: String(name), kind, fees, latencyMs, lotSize, depth, fillProbability });
    } else {
      r.unknownKeys(['name', 'kind', 'fees', 'latencyMs', 'lotSize', 'fillProbability', 'minSize', 'maxSize']);
      const minSize = r.number('minSize', 1, 1e9, { integer: true });
      const maxSize = r.number('maxSize', 1, 1e9, { integer: true });
      if (Number.isFinite(minSize) && Number.isFinite(maxSize) && maxSize < minSize) r.issues.push({ field: `${path}.maxSize`, reason: 'must be at least minSize' });
      venues.push({ name: String(name), kind, fees, latencyMs, lotSize, fillProbability, minSize, maxSize });
    }
    issues.push(...r.issues);
  });
  return issues.length ? { ok: false, issues } : { ok: true, venues };
}

/**
 * The default venue set: three lit venues (a maker-taker venue with a rebate for makers, an
 * inverted venue that pays takers, a thin venue quoted in bps whose depth follows ADV) and one
 * midpoint dark pool. Figures are of the order US equity venues publish; change them with
 * QUANTDESK_VENUES.
 */
export const DEFAULT_VENUES: readonly Venue[] = [
  {
    name: 'alpha',
    kind: 'lit',
    fees: { unit: 'per_share', maker: -0.002, taker: 0.003 },
    latencyMs: 2,
    lotSize: 100,
    depth: { kind: 'fixed', touchSize: 2000, decay: 0.8, levels: 5 },
    fillProbability: 0.95,
  },
  {
    name: 'beta',
    kind: 'lit',
    fees: { unit: 'per_share', maker: 0.001, taker: -0.0005 },
    latencyMs: 5,
    lotSize: 100,
    depth: { kind: 'fixed', touchSize: 800, decay: 0.7, levels: 5 },
    fillProbability: 0.85,
  },
  {
    name: 'gamma',
    kind: 'lit',
    fees: { unit: 'bps', maker: -0.1, taker: 0.2 },
    latencyMs: 12,
    lotSize: 100,
    depth: { kind: 'adv_fraction', touchFraction: 0.0005, decay: 0.75, levels: 5 },
    fillProbability: 0.9,
  },
  {
    name: 'delta-dark',
    kind: 'dark',
    fees: { unit: 'per_share', maker: 0.001, taker: 0.001 },
    latencyMs: 3,
    lotSize: 100,
    fillProbability: 0.35,
    minSize: 500,
    maxSize: 5000,
  },
];
