/**
 * The sizing models by name, so a deployment chooses one by name with parameters checked
 * against its declarations (the same ParamSpec rules as strategies: type, inclusive range,
 * default). A new model is one file in this folder and one entry below.
 */
import { StrategyParamError, resolveParams, type ParamValue } from '../../../strategies/core/strategy-params';
import { atrRisk } from './atr-risk.sizer';
import { equityFraction } from './equity-fraction.sizer';
import { fixedFractional } from './fixed-fractional.sizer';
import { kelly } from './kelly.sizer';
import type { PositionSizer, SizerDefinition } from './sizing.types';
import { volatilityTarget } from './volatility-target.sizer';

const SIZERS: readonly SizerDefinition[] = [equityFraction, fixedFractional, volatilityTarget, kelly, atrRisk];

/** The sizer a deployment gets when it names none: the backtester's reading of a target. */
export const DEFAULT_SIZER = 'equity-fraction';

export class UnknownSizerError extends Error {
  constructor(readonly sizer: string) {
    super(`unknown sizer "${sizer}" (sizers: ${SIZERS.map((s) => s.name).join(', ')})`);
    this.name = 'UnknownSizerError';
  }
}

/** A sizer parameter that is not declared, of the wrong type or out of range; `param` names it. */
export class SizerParamError extends Error {
  constructor(
    readonly sizer: string,
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'SizerParamError';
  }
}

/** The definition named `name`; throws UnknownSizerError naming the ones that exist. */
export function getSizerDefinition(name: string): SizerDefinition {
  const s = SIZERS.find((x) => x.name === name);
  if (!s) throw new UnknownSizerError(name);
  return s;
}

/** The sizer `name` with its defaults overlaid by `params`; throws UnknownSizerError or SizerParamError. */
export function createSizer(name: string = DEFAULT_SIZER, params: Readonly<Record<string, ParamValue>> = {}): PositionSizer {
  const def = getSizerDefinition(name);
  let resolved: Record<string, ParamValue>;
  try {
    resolved = resolveParams(def.params, params);
  } catch (e) {
    if (e instanceof StrategyParamError) throw new SizerParamError(name, e.param, `${name}: ${e.message}`);
    throw e;
  }
  return def.create(resolved);
}

/** Every sizing model, in registration order. */
export function listSizers(): readonly SizerDefinition[] {
  return SIZERS;
}
