import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { AppConfig } from '../config/app-config';
import { redisOptions } from './redis-connection';
import { ALL_QUEUES } from './queue-registry';
import { QueuesService } from './queues.service';

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
        BullModule.forRoot({
          connection: redisOptions(config.redisUrl),
          prefix: config.redisPrefix,
          defaultJobOptions: {
            attempts: config.queueAttempts,
            backoff: { type: 'exponential', delay: config.queueBackoffMs },
            removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
            removeOnFail: false,
          },
          extraOptions: { manualRegistration: config.role === 'api' },
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [QueuesService],
      exports: [BullModule, QueuesService],
    };
  }
}
