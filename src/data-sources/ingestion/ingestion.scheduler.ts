import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { QueuesService } from '../../queues/queues.service';
import { IngestionRegistry } from './ingestion.registry';

/** The BullMQ job-scheduler id of a provider. */
export function ingestionSchedulerId(provider: string): string {
  return `ingestion.${provider}`;
}

/**
 * One job scheduler per enabled provider on its cron (UTC), in worker/all processes; a disabled
 * provider's scheduler is removed, so switching a provider off (removing its key) stops it.
 * In the background, so a Redis that does not answer cannot hang bootstrap.
 */
@Injectable()
export class IngestionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Ingestion');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
    private readonly registry: IngestionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.sync().catch((err: unknown) => this.logger.error(`Could not schedule ingestion: ${(err as Error).message}`));
  }

  /** Upserts or removes every registered provider's scheduler; returns the ids scheduled. */
  async sync(): Promise<string[]> {
    const queue = this.queues.get('ingestion');
    const scheduled: string[] = [];
    for (const p of this.registry.all()) {
      const id = ingestionSchedulerId(p.name);
      const reason = p.disabledReason();
      if (reason !== null) {
        await queue.queue.removeJobScheduler(id);
        this.logger.log(`${p.name} is disabled (${reason}): not scheduled`);
        continue;
      }
      await queue.upsertScheduler(id, { pattern: p.cron, tz: 'UTC' }, 'ingestion.scheduled', { provider: p.name }, { attempts: 1, removeOnComplete: 100, removeOnFail: 100 });
      scheduled.push(id);
    }
    return scheduled;
  }
}
