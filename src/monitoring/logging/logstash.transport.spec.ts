import { once } from 'node:events';
import * as winston from 'winston';
import { WinstonModule } from 'nest-winston';
import { LogstashTcpServer, freePort } from '../../../test/support/logstash-server';
import { createWinstonOptions } from './logger.factory';
import { LogstashTransport } from './logstash.transport';

/** The production logger options with the Logstash transport only (no console noise in the test). */
function shippingLogger(port: number, bufferSize = 1000, reconnectMs = 20): { logger: winston.Logger; transport: LogstashTransport } {
  const options = createWinstonOptions({ level: 'info', stream: 'stdout', logstash: { url: `tcp://127.0.0.1:${port}`, bufferSize, reconnectMs } });
  const transport = (options.transports as winston.transport[]).find((t): t is LogstashTransport => t instanceof LogstashTransport);
  if (!transport) throw new Error('createWinstonOptions added no Logstash transport');
  return { logger: winston.createLogger({ ...options, transports: [transport] }), transport };
}

describe('Logstash transport', () => {
  const opened: { logger: winston.Logger; server?: LogstashTcpServer }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      o.logger.close();
      await o.server?.stop();
    }
  });

  it('is added only when LOGSTASH_URL is set', () => {
    const off = createWinstonOptions({ level: 'info', stream: 'stdout', logstash: { url: '', bufferSize: 10, reconnectMs: 100 } });
    expect((off.transports as winston.transport[]).some((t) => t instanceof LogstashTransport)).toBe(false);
  });

  it('ships JSON lines with the stream of each context, secrets redacted', async () => {
    const server = new LogstashTcpServer();
    await server.start();
    const { logger, transport } = shippingLogger(server.port);
    opened.push({ logger, server });
    await once(transport, 'connect');
    const nest = WinstonModule.createLogger({ instance: logger });
    const key = 'qd_K3yPr3f1x0_s3cr3tS3cr3tS3cr3tS3cr3tS3cr3t0123';
    nest.log('order placed', 'Orders');
    nest.log({ message: 'GET /api/v1/orders 200', stream: 'api', statusCode: 200 }, 'HTTP');
    nest.warn('LLM call failed, lexicon used', 'LlmSentiment');
    nest.error(`risk mode reduced for ${key}`, undefined, 'RiskMonitor');
    nest.log('ingestion run', 'Ingestion');
    logger.info('explicit stream wins over the context', { context: 'Ingestion', stream: 'trade' });
    logger.info('an unknown stream falls back to the context', { context: 'KillSwitch', stream: 'bogus' });
    await server.waitUntil(() => server.records.length === 7);
    expect(server.unparsed).toEqual([]);
    expect(server.records.map((r) => [r.message, r.stream])).toEqual([
      ['order placed', 'trade'],
      ['GET /api/v1/orders 200', 'api'],
      ['LLM call failed, lexicon used', 'llm'],
      [expect.stringContaining('risk mode reduced for qd_***'), 'risk'],
      ['ingestion run', 'app'],
      ['explicit stream wins over the context', 'trade'],
      ['an unknown stream falls back to the context', 'risk'],
    ]);
    for (const r of server.records) expect(Number.isNaN(Date.parse(String(r.timestamp)))).toBe(false);
    expect(JSON.stringify(server.records)).not.toContain('s3cr3t');
  });

  it('loses nothing within the buffer when Logstash goes away and comes back', async () => {
    const server = new LogstashTcpServer();
    await server.start();
    const { logger, transport } = shippingLogger(server.port);
    opened.push({ logger, server });
    await once(transport, 'connect');
    for (let i = 0; i < 3; i++) logger.info(`before ${i}`);
    await server.waitUntil(() => server.records.length === 3);

    const down = once(transport, 'disconnect');
    await server.stop();
    await down;
    for (let i = 0; i < 200; i++) logger.info(`while down ${i}`, { context: 'Orders' });
    // Logging went on without waiting: everything is queued.
    expect(transport.pending).toBe(200);

    await new Promise((r) => setTimeout(r, 100));
    await server.start();
    await server.waitUntil(() => server.records.length === 203);
    expect(server.records.slice(3).map((r) => r.message)).toEqual(Array.from({ length: 200 }, (_, i) => `while down ${i}`));
    expect(server.records.slice(3).every((r) => r.stream === 'trade')).toBe(true);
    expect(transport.dropped).toBe(0);
    expect(transport.pending).toBe(0);
    expect(server.connections).toBe(2);
  });

  it('keeps the newest records when the buffer overflows, counts the drops and ships a notice first', async () => {
    const port = await freePort();
    const { logger, transport } = shippingLogger(port, 5, 20);
    const server = new LogstashTcpServer(port);
    opened.push({ logger, server });
    // Logstash is not there: logging neither throws nor waits.
    for (let i = 0; i < 12; i++) logger.info(`record ${i}`);
    expect(transport.pending).toBe(5);
    expect(transport.dropped).toBe(7);

    await server.start();
    await server.waitUntil(() => server.records.length === 6);
    const [notice, ...rest] = server.records;
    expect(notice).toMatchObject({ level: 'warn', stream: 'app', context: 'LogstashTransport', dropped: 7 });
    expect(rest.map((r) => r.message)).toEqual(['record 7', 'record 8', 'record 9', 'record 10', 'record 11']);
  });

  it('backs off between reconnects instead of hammering a Logstash that hangs up', async () => {
    const server = new LogstashTcpServer(0, 'hang-up');
    await server.start();
    const { logger } = shippingLogger(server.port, 10, 50);
    opened.push({ logger, server });
    await new Promise((r) => setTimeout(r, 700));
    // Delays 50, 100, 200, 400 ms: at most 4 connections in 700 ms (without backoff: hundreds).
    expect(server.connections).toBeGreaterThanOrEqual(3);
    expect(server.connections).toBeLessThanOrEqual(4);
  });

  it('refuses a URL that is not tcp://host:port', () => {
    expect(() => new LogstashTransport({ url: 'http://127.0.0.1:5000', bufferSize: 1, reconnectBaseMs: 10 })).toThrow(/tcp:\/\/host:port/);
  });
});
