import { QueueMetricsService } from './queue-metrics.service';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import type { DefaultJobOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { redisConnectionOptions } from './redis-connection';
import { ALL_QUEUES } from './queue-registry';
import { QueuesService } from './queues.service';
import { QueueWorkersService } from './queue-workers.service';

/**
 * The retry and retention policy every queued job gets unless its producer says otherwise:
 * QUEUE_ATTEMPTS attempts, exponential backoff starting at QUEUE_BACKOFF_MS (delay doubles on
 * each retry), failed jobs kept with their error and stack traces for inspection (bull-board),
 * completed ones trimmed. One function, so tests build their queues with exactly this policy.
 */
export function queueDefaultJobOptions(config: Pick<AppConfig, 'queueAttempts' | 'queueBackoffMs'>): DefaultJobOptions {
  return {
    attempts: config.queueAttempts,
    backoff: { type: 'exponential', delay: config.queueBackoffMs },
    removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
    removeOnFail: false,
  };
}

/**
 * BullMQ on the configured Redis, every registry queue registered, with the default retry
 * policy (QUEUE_ATTEMPTS, exponential backoff from QUEUE_BACKOFF_MS) and failed jobs kept with
 * their error. In the `api` role no worker is started (manualRegistration): processes of that
 * role only enqueue; `worker` and `all` processes consume.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: redisConnectionOptions(config),
          prefix: config.redisPrefix,
          defaultJobOptions: queueDefaultJobOptions(config),
          extraOptions: { manualRegistration: config.role === 'api' },
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [QueuesService, QueueWorkersService, QueueMetricsService],
      exports: [BullModule, QueuesService],
    };
  }
}
