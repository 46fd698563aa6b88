/** The body of every error QuantDesk answers with. */
export interface ErrorBody {
  statusCode: number;
  /** Stable machine code, e.g. VALIDATION_FAILED, NOT_FOUND, FORBIDDEN. */
  error: string;
  message: string;
  details: Record<string, unknown>;
}
