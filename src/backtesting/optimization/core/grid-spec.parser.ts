/**
 * `--grid` specifications: `fast=5:50:5` (start:stop:step, both ends inclusive), `fast=5,10,20`
 * (a list), `fast=10` (one value), `longOnly=true,false`. With the strategy's ParamSpecs every
 * value is parsed by its declared type and checked against its declared range.
 */
import { checkParam, parseParamValue, StrategyParamError, type ParamSpec, type ParamValue } from '../../../strategies/core/strategy-params';
import { SweepInputError, type ParamAxis } from './sweep.types';

/** A grid with more values than this on one axis is surely a typo (fast=1:1e9:1). */
export const MAX_AXIS_VALUES = 1_000_000;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function num(name: string, text: string): number {
  if (!NUMBER.test(text.trim())) throw new SweepInputError(name, `${name}: "${text}" is not a number`);
  return Number(text);
}

/** Value i of start:stop:step, rounded to 12 significant digits so 0.1 steps do not drift (0.30000000000000004). */
function stepValue(start: number, step: number, i: number): number {
  return Number((start + i * step).toPrecision(12));
}

/**
 * Parses one `name=values` specification. `params` (the strategy's declarations) makes the
 * name a declared one, parses bools and checks ints and ranges; without it values are numbers.
 * Throws SweepInputError naming the parameter (field 'grid' when there is no name).
 */
export function parseGridSpec(text: string, params?: readonly ParamSpec[]): ParamAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SweepInputError('grid', `grid "${text}" is not name=start:stop:step or name=v1,v2,...`);
  const name = text.slice(0, eq).trim();
  const body = text.slice(eq + 1).trim();
  const spec = params?.find((p) => p.name === name);
  if (params !== undefined && spec === undefined) throw new SweepInputError(name, `unknown parameter "${name}" (parameters: ${params.map((p) => p.name).join(', ')})`);
  if (body === '') throw new SweepInputError(name, `${name}: no values`);
  let values: ParamValue[];
  try {
    if (body.includes(':')) {
      const parts = body.split(':');
      if (parts.length !== 3) throw new SweepInputError(name, `${name}: range "${body}" is not start:stop:step`);
      if (spec?.type === 'bool') throw new SweepInputError(name, `${name} is a bool: list its values (true,false)`);
      const [start, stop, step] = parts.map((p) => num(name, p));
      if (!(step > 0)) throw new SweepInputError(name, `${name}: step must be > 0, got ${step}`);
      if (stop < start) throw new SweepInputError(name, `${name}: stop ${stop} is below start ${start}`);
      // The 1e-9 step fraction keeps stop itself when (stop - start) / step is an integer up to rounding.
      const count = Math.floor((stop - start) / step + 1e-9) + 1;
      if (count > MAX_AXIS_VALUES) throw new SweepInputError(name, `${name}: ${count} values, at most ${MAX_AXIS_VALUES} per parameter`);
      values = [];
      for (let i = 0; i < count; i++) values.push(stepValue(start, step, i));
    } else {
      const items = body.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw new SweepInputError(name, `${name}: empty value in "${body}"`);
      values = items.map((s) => (spec === undefined ? num(name, s) : parseParamValue(spec, s)));
    }
    if (spec !== undefined) for (const v of values) checkParam(spec, v);
  } catch (err) {
    if (err instanceof StrategyParamError) throw new SweepInputError(name, err.message);
    throw err;
  }
  if (new Set(values).size !== values.length) throw new SweepInputError(name, `${name}: a value is listed twice`);
  return { name, values };
}
