import * as winston from 'winston';
import { currentRequestId } from '../../common/request-context';
import type { LogLevel } from '../../config/app-config';
import { redact } from './redact';

/**
 * Adds the request id of the current request or job, and scrubs secrets from the whole record
 * (message, metadata, stack) before it is serialized.
 */
const enrich = winston.format((info) => {
  // nest-winston passes `stack: [undefined]` for error() calls without a trace: drop it.
  if (Array.isArray(info.stack) && info.stack.every((s) => s === undefined || s === null)) delete info.stack;
  const requestId = currentRequestId();
  if (requestId && info.requestId === undefined) info.requestId = requestId;
  // Own enumerable fields only: message and stack of a logged Error are made plain fields by
  // format.errors(), which therefore runs first.
  const scrubbed = redact({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(scrubbed)) info[key] = scrubbed[key];
  return info;
});

export interface LoggerOptions {
  readonly level: LogLevel;
  /** The CLI logs to stderr so that `--json` leaves stdout to the one JSON document. */
  readonly stream: 'stdout' | 'stderr';
}

/** JSON lines: timestamp, level, context, requestId, message and any metadata. */
export function createWinstonOptions(options: LoggerOptions): winston.LoggerOptions {
  return {
    level: options.level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), enrich(), winston.format.json()),
    transports: [
      new winston.transports.Console({
        stderrLevels: options.stream === 'stderr' ? ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] : [],
      }),
    ],
  };
}
