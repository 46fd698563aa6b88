import { Decimal } from '../../common/decimal';

/** What a mark is decided from: the position's last fill price and time, the symbol's newest bar close and time. */
export interface MarkInputs {
  readonly lastPrice: string | null;
  readonly positionAt: Date | null;
  readonly close: string | null;
  readonly closeAt: Date | null;
}

/**
 * The select list that reads MarkInputs (columns mark_last_price, mark_position_at, mark_close,
 * mark_close_at) for the account and symbol in the given parameters, so a caller can read them in
 * the same round trip as something else (the OMS reads them with the client order id lookup).
 * The newest bar of any timeframe comes from `bars_latest` (a key lookup, not a sort of `bars`).
 */
export function markInputsColumns(accountParam: string, symbolParam: string): string {
  return `(SELECT last_price::text FROM positions WHERE account_id = ${accountParam} AND symbol = ${symbolParam}) AS mark_last_price,
          (SELECT updated_at FROM positions WHERE account_id = ${accountParam} AND symbol = ${symbolParam}) AS mark_position_at,
          (SELECT close::text FROM bars_latest WHERE symbol = ${symbolParam} ORDER BY ts DESC LIMIT 1) AS mark_close,
          (SELECT ts FROM bars_latest WHERE symbol = ${symbolParam} ORDER BY ts DESC LIMIT 1) AS mark_close_at`;
}

export interface MarkInputsRow {
  readonly mark_last_price: string | null;
  readonly mark_position_at: Date | null;
  readonly mark_close: string | null;
  readonly mark_close_at: Date | null;
}

export function markInputsOf(r: MarkInputsRow): MarkInputs {
  return { lastPrice: r.mark_last_price, positionAt: r.mark_position_at, close: r.mark_close, closeAt: r.mark_close_at };
}

/**
 * The mark of a symbol for an account (the arrival price of a new order): the last fill price of
 * the position unless a newer bar has closed since, else the newest bar's close; null without
 * either.
 */
export function markFromInputs(m: MarkInputs): Decimal | null {
  if (m.lastPrice !== null && m.positionAt !== null && !(m.close !== null && m.closeAt !== null && m.closeAt > m.positionAt)) return new Decimal(m.lastPrice);
  return m.close !== null ? new Decimal(m.close) : null;
}
