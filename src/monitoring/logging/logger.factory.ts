import * as winston from 'winston';
import { currentRequestId } from '../../common/request-context';
import type { LogLevel } from '../../config/app-config';
import { redact } from './redact';
import { streamOf } from './log-streams';
import { LogstashTransport } from './logstash.transport';

/**
 * Adds the request id and the log stream of the current request or job, and scrubs secrets from the whole record
 * (message, metadata, stack) before it is serialized.
 */
const enrich = winston.format((info) => {
  // nest-winston passes `stack: [undefined]` for error() calls without a trace: drop it.
  if (Array.isArray(info.stack) && info.stack.every((s) => s === undefined || s === null)) delete info.stack;
  const requestId = currentRequestId();
  if (requestId && info.requestId === undefined) info.requestId = requestId;
  // Every record names its stream (app, trade, api, llm, risk): Logstash routes on it.
  info.stream = streamOf(info.stream, info.context);
  // Own enumerable fields only: message and stack of a logged Error are made plain fields by
  // format.errors(), which therefore runs first.
  const scrubbed = redact({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(scrubbed)) info[key] = scrubbed[key];
  return info;
});

/**
 * Drops a record below the logger's level before any other format runs. winston formats every
 * record (timestamp, redaction, JSON) and only then lets each transport compare levels, so at
 * LOG_LEVEL=warn every info line of the order path was still built and scrubbed (about 7% of
 * the server's CPU per order, bench/orders-api.ts). Our transports have no level of their own,
 * so the logger's level is the only filter and this one is equivalent.
 */
const atLeast = (level: LogLevel): winston.Logform.Format => {
  const limit = winston.config.npm.levels[level];
  return winston.format((info) => ((winston.config.npm.levels[info.level] ?? 0) <= limit ? info : false))();
};

export interface LoggerOptions {
  readonly level: LogLevel;
  /** The CLI logs to stderr so that `--json` leaves stdout to the one JSON document. */
  readonly stream: 'stdout' | 'stderr';
  /** Also ship every record to Logstash (LOGSTASH_URL); absent or an empty url: console only. */
  readonly logstash?: { readonly url: string; readonly bufferSize: number; readonly reconnectMs: number };
}

/** JSON lines: timestamp, level, context, requestId, stream, message and any metadata. */
export function createWinstonOptions(options: LoggerOptions): winston.LoggerOptions {
  const transports: winston.transport[] = [
    new winston.transports.Console({
      stderrLevels: options.stream === 'stderr' ? ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] : [],
    }),
  ];
  const logstash = options.logstash;
  if (logstash && logstash.url !== '') {
    transports.push(new LogstashTransport({ url: logstash.url, bufferSize: logstash.bufferSize, reconnectBaseMs: logstash.reconnectMs }));
  }
  return {
    level: options.level,
    format: winston.format.combine(atLeast(options.level), winston.format.timestamp(), winston.format.errors({ stack: true }), enrich(), winston.format.json()),
    transports,
  };
}
