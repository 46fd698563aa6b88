import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WinstonModule } from 'nest-winston';
import type { AppConfig } from '../config/app-config';
import { prepareEnvironment } from '../bootstrap';
import { createWinstonOptions } from '../monitoring/logging/logger.factory';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';

/**
 * Runs `work` inside a Nest application context made of just the modules a command needs,
 * against the configured database (created and migrated if needed), with no HTTP server and
 * logs on stderr. The context is always closed, so the process can exit.
 */
export async function withCliContext<T>(
  modules: (Type<unknown> | DynamicModule)[],
  work: (ctx: INestApplicationContext, config: AppConfig) => Promise<T>,
  options: { redis?: boolean } = {},
): Promise<T> {
  const { config } = await prepareEnvironment({ redis: options.redis ?? false });
  const winston = createWinstonOptions({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, stream: 'stderr' });
  const ctx = await NestFactory.createApplicationContext(
    { module: class CliRootModule {}, imports: [ConfigModule.forRoot(config), WinstonModule.forRoot(winston), DatabaseModule, ...modules] },
    { logger: WinstonModule.createLogger(winston) },
  );
  try {
    return await work(ctx, config);
  } finally {
    await ctx.close();
  }
}
