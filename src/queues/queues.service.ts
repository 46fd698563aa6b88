import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ALL_QUEUES, type QueueName } from './queue-registry';
import { TypedQueue } from './typed-queue';

export interface QueueCounts {
  readonly queue: QueueName;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

/** Typed access to the registry's queues, for producers and for health/metrics. */
@Injectable()
export class QueuesService implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  /** Last time a connection error was logged per queue: Redis down means one error per retry. */
  private readonly lastErrorLog = new Map<QueueName, number>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    // A queue without an 'error' listener would crash the process when Redis goes away; the
    // client reconnects by itself, so log (at most every 10 s per queue) and carry on.
    for (const name of ALL_QUEUES) {
      this.raw(name).on('error', (err: Error) => {
        const now = Date.now();
        if (now - (this.lastErrorLog.get(name) ?? 0) < 10_000) return;
        this.lastErrorLog.set(name, now);
        this.logger.warn(`Queue ${name}: ${err.message}`);
      });
    }
  }

  raw(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  get<Q extends QueueName>(name: Q): TypedQueue<Q> {
    return new TypedQueue<Q>(this.raw(name));
  }

  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      ALL_QUEUES.map(async (queue) => {
        const c = await this.raw(queue).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        return {
          queue,
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
        };
      }),
    );
  }

  /** PING through the queues' own connection: what /health/ready asks. */
  async ping(): Promise<void> {
    const client = await this.raw(ALL_QUEUES[0]).backend.client;
    await client.runCommand('ping', []);
  }
}
