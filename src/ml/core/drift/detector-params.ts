/**
 * Parameter reading shared by the detectors: unknown names and non-finite or out-of-range
 * values are refused (DriftParamError) rather than silently ignored, so a typo in a stored
 * spec cannot run a detector with its defaults.
 */
import { DriftParamError } from './drift-errors';

export interface ParamRule {
  readonly min: number;
  readonly max: number;
  /** true: the bound is excluded. */
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
  readonly integer?: boolean;
}

export function readParams<K extends string>(
  kind: string,
  defaults: Readonly<Record<K, number>>,
  rules: Readonly<Record<K, ParamRule>>,
  params: Readonly<Record<string, number>> | undefined,
): Record<K, number> {
  const out = { ...defaults } as Record<K, number>;
  if (params === undefined) return out;
  for (const [name, value] of Object.entries(params)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, name)) {
      throw new DriftParamError(name, `${kind} has no parameter ${name} (known: ${Object.keys(defaults).join(', ')})`);
    }
    const rule = rules[name as K];
    const low = rule.minOpen ? value <= rule.min : value < rule.min;
    const high = rule.maxOpen ? value >= rule.max : value > rule.max;
    if (typeof value !== 'number' || !Number.isFinite(value) || low || high || (rule.integer === true && !Number.isInteger(value))) {
      const range = `${rule.minOpen ? '(' : '['}${rule.min}, ${rule.max}${rule.maxOpen ? ')' : ']'}`;
      throw new DriftParamError(name, `${kind}.${name} must be ${rule.integer ? 'an integer' : 'a number'} in ${range}, got ${value}`);
    }
    out[name as K] = value;
  }
  return out;
}
