import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { WINSTON_MODULE_NEST_PROVIDER } from 'nest-winston';
import { createApp } from './app.factory';
import { describeStartupFailure, prepareEnvironment } from './bootstrap';

/**
 * `npm start`: validates config, creates and migrates the database if needed, checks Redis,
 * then serves HTTP (role api/all) and runs queue workers (role worker/all). SIGTERM/SIGINT
 * stop taking requests, let running jobs finish (or return to the queue) and close the pools,
 * within SHUTDOWN_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  const { config, databaseCreated, migrationsApplied } = await prepareEnvironment({ redis: true });
  const app = await createApp(config);
  const logger = app.get<LoggerService>(WINSTON_MODULE_NEST_PROVIDER);
  if (databaseCreated) logger.log('Created the database', 'Bootstrap');
  if (migrationsApplied.length) logger.log(`Applied migrations: ${migrationsApplied.join(', ')}`, 'Bootstrap');

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining requests and jobs`, 'Bootstrap');
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`, undefined, 'Bootstrap');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error(`Shutdown failed: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  logger.log(`QuantDesk (${config.role}) listening on http://${config.host}:${config.port}; API docs at /api/docs`, 'Bootstrap');
}

main().catch((err: unknown) => {
  process.stderr.write(`quantdesk: ${describeStartupFailure(err)}\n`);
  process.exit(1);
});
