/**
 * The words of execution schedules. Times are epoch milliseconds; quantities are plain numbers
 * (float inside the core). Every generator returns slices whose quantities are whole multiples
 * of the lot size, except that a parent quantity that is not a whole number of lots puts its
 * odd remainder in the last slice, and whose quantities add up exactly (in decimal) to the
 * parent quantity: see `allocateLots`.
 */
export interface ScheduleSlice {
  /** When the child order is due, epoch ms, within [start, end). */
  readonly at: number;
  /** Child order quantity, > 0. */
  readonly quantity: number;
}

export interface ScheduleWindow {
  /** Epoch ms of the first slice. */
  readonly start: number;
  /** Epoch ms the execution must be done by (exclusive for slice times). */
  readonly end: number;
  /** Milliseconds between slices, > 0. */
  readonly intervalMs: number;
}

export interface LotSpec {
  /** Parent quantity, > 0. */
  readonly quantity: number;
  /** Smallest tradable increment (1 for whole shares, 0.001 for a crypto pair), > 0. */
  readonly lotSize: number;
}

/** A core input that no schedule can be made from (the caller maps it to a 400/422). */
export class ScheduleInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ScheduleInputError';
  }
}
