/**
 * Parameter declarations of a strategy: the optimizer reads them to build grids and the CLI to
 * parse `--param k=v`. Each parameter has a type, an inclusive range and a default.
 */
export type ParamType = 'int' | 'float' | 'bool';
export type ParamValue = number | boolean;
export type StrategyParams = Readonly<Record<string, ParamValue>>;

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Inclusive lower bound (int and float). */
  readonly min?: number;
  /** Inclusive upper bound (int and float). */
  readonly max?: number;
  readonly default: ParamValue;
  readonly description: string;
}

/** A parameter name that is not declared, a value of the wrong type or out of its range. */
/**
 * Whether a strategy reads a model's prediction (InstrumentBars.signal, issue 9): it declares
 * the `signalWeight` parameter (regime-momentum blends the signal into its score by it).
 */
export function takesModelSignal(specs: readonly ParamSpec[]): boolean {
  return specs.some((p) => p.name === 'signalWeight');
}

export class StrategyParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'StrategyParamError';
  }
}

/** Checks one value against its declaration; throws StrategyParamError naming the parameter. */
export function checkParam(spec: ParamSpec, value: ParamValue): void {
  if (spec.type === 'bool') {
    if (typeof value !== 'boolean') throw new StrategyParamError(spec.name, `${spec.name} must be true or false, got ${String(value)}`);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new StrategyParamError(spec.name, `${spec.name} must be a finite number, got ${String(value)}`);
  if (spec.type === 'int' && !Number.isInteger(value)) throw new StrategyParamError(spec.name, `${spec.name} must be an integer, got ${value}`);
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    throw new StrategyParamError(spec.name, `${spec.name} must be in [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}], got ${value}`);
  }
}

/** Declared defaults overlaid with `given`; unknown names and bad values throw StrategyParamError. */
export function resolveParams(specs: readonly ParamSpec[], given: Readonly<Record<string, ParamValue>> = {}): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const s of specs) out[s.name] = s.default;
  for (const [name, value] of Object.entries(given)) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new StrategyParamError(name, `unknown parameter "${name}" (parameters: ${specs.map((s) => s.name).join(', ')})`);
    checkParam(spec, value);
    out[name] = value;
  }
  return out;
}

/**
 * Parses a textual value (`--param fast=10`, `longOnly=false`) by the parameter's type:
 * int is a decimal integer, float any decimal number, bool true/false/1/0.
 */
export function parseParamValue(spec: ParamSpec, text: string): ParamValue {
  const t = text.trim();
  if (spec.type === 'bool') {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw new StrategyParamError(spec.name, `${spec.name} must be true or false, got "${text}"`);
  }
  const ok = spec.type === 'int' ? /^[+-]?\d+$/.test(t) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);
  if (!ok) throw new StrategyParamError(spec.name, `${spec.name} must be ${spec.type === 'int' ? 'an integer' : 'a number'}, got "${text}"`);
  const v = Number(t);
  checkParam(spec, v);
  return v;
}
