import DecimalJs from 'decimal.js';

/**
 * Money, prices and quantities in the order book and the ledger (DESIGN.md principle 4).
 * decimal.js (the library mathjs ships) with its own constructor, so nothing else in the
 * process can change the precision under us: 34 significant digits (IEEE 754 decimal128) and
 * banker's rounding, as ledgers round half to even.
 */
export const Decimal = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_EVEN });
export type Decimal = DecimalJs;

export const ZERO = new Decimal(0);

/**
 * A decimal from a JSON string or number, or null when it is not a finite decimal. Numbers go
 * through their shortest round-trip string (`String(0.1)` is "0.1"), so 0.1 stays 0.1.
 */
export function parseDecimal(value: unknown): Decimal | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return new Decimal(String(value));
  }
  if (typeof value === 'string') {
    const text = value.trim();
    // decimal.js also accepts hex, binary and "Infinity"; a trading API takes plain decimals only.
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
    return new Decimal(text);
  }
  return null;
}

/** The canonical text of a decimal for storage and JSON: no exponent, no trailing zeros. */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}
