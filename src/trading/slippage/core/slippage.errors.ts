/**
 * Input the slippage functions cannot use (pure code: no framework). `field` names the input
 * (with the fill's index in `index` for a batch), so an HTTP handler maps it to a 400 naming
 * the field and the CLI to a usage error.
 */
export class SlippageInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'SlippageInputError';
  }
}
