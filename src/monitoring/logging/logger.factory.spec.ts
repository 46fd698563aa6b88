import { Writable } from 'node:stream';
import * as winston from 'winston';
import { WinstonModule } from 'nest-winston';
import { requestContext } from '../../common/request-context';
import { createWinstonOptions } from './logger.factory';

/** A logger with the production format, writing to a buffer instead of the console. */
function bufferedLogger(level: 'debug' | 'warn' = 'debug'): { logger: winston.Logger; lines: () => Record<string, unknown>[] } {
  let buf = '';
  const stream = new Writable({ write: (c, _e, cb) => ((buf += String(c)), cb()) });
  const options = createWinstonOptions({ level, stream: 'stdout' });
  const logger = winston.createLogger({ ...options, transports: [new winston.transports.Stream({ stream })] });
  return { logger, lines: () => buf.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log format', () => {
  it('writes JSON lines with timestamp, level, context and the request id of the current request', () => {
    const { logger, lines } = bufferedLogger();
    const nest = WinstonModule.createLogger({ instance: logger });
    requestContext.run({ requestId: 'req-42' }, () => nest.log('placed', 'Orders'));
    nest.warn('outside any request', 'Scheduler');
    const [a, b] = lines();
    expect(a).toMatchObject({ level: 'info', message: 'placed', context: 'Orders', requestId: 'req-42' });
    expect(typeof a.timestamp).toBe('string');
    expect(Number.isNaN(Date.parse(String(a.timestamp)))).toBe(false);
    expect(b).toMatchObject({ level: 'warn', context: 'Scheduler' });
    expect(b.requestId).toBeUndefined();
  });

  it('drops a record below the level before formatting it, and writes the others', () => {
    const { logger, lines } = bufferedLogger('warn');
    let read = 0;
    // A getter inside the metadata: formatting the record (redaction, JSON) would read it.
    const meta = { nested: Object.defineProperty({}, 'probe', { enumerable: true, get: () => ++read }) };
    logger.info('below the level', meta);
    logger.debug('below the level too', meta);
    expect(read).toBe(0);
    logger.warn('at the level', meta);
    logger.error('above it');
    expect(read).toBeGreaterThan(0);
    expect(lines().map((l) => l.message)).toEqual(['at the level', 'above it']);
  });

  it('never writes secrets, whatever the field or message', () => {
    const { logger, lines } = bufferedLogger();
    const key = 'qd_K3yPr3f1x0_s3cr3tS3cr3tS3cr3tS3cr3tS3cr3t0123';
    logger.info(`auth failed for ${key}`, { headers: { authorization: `Bearer ${key}` }, apiKey: key, url: 'redis://:pw@h:6379' });
    logger.error(new Error(`boom ${key}`));
    const text = JSON.stringify(lines());
    expect(text).not.toContain(key);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(':pw@');
  });

  it('the CLI variant writes every level to stderr', () => {
    const o = createWinstonOptions({ level: 'info', stream: 'stderr' });
    const console = (o.transports as winston.transport[])[0] as winston.transports.ConsoleTransportInstance;
    expect(console.stderrLevels).toMatchObject({ info: true, error: true, debug: true });
  });
});

describe('log format details', () => {
  it('drops the empty stack nest-winston passes for error() without a trace', () => {
    let buf = '';
    const stream = new Writable({ write: (c, _e, cb) => ((buf += String(c)), cb()) });
    const logger = winston.createLogger({ ...createWinstonOptions({ level: 'info', stream: 'stdout' }), transports: [new winston.transports.Stream({ stream })] });
    WinstonModule.createLogger({ instance: logger }).error('job failed', undefined, 'Jobs');
    const line = JSON.parse(buf.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', message: 'job failed', context: 'Jobs' });
    expect(line).not.toHaveProperty('stack');
  });
});
