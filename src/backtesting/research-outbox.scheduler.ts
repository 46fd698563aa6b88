import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { requestContext } from '../common/request-context';
import { QueuesService } from '../queues/queues.service';

/** BullMQ job scheduler id of the outbox sweep: one in Redis, however many workers upsert it. */
export const RESEARCH_SWEEP_SCHEDULER_ID = 'research.sweep-queued';
/** How often queued runs are checked for a missing job. */
export const RESEARCH_SWEEP_EVERY_MS = 60_000;

/**
 * Keeps the outbox sweep on schedule: processes of role worker/all upsert a BullMQ job
 * scheduler at bootstrap (idempotent across processes, like the maintenance schedules); api
 * processes neither consume nor schedule. In the background, so that bootstrap does not hang
 * on a Redis that does not answer; `started` settles when it is done, for tests.
 */
@Injectable()
export class ResearchOutboxScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('ResearchOutbox');
  private startedPromise: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.startedPromise = requestContext.run({ requestId: 'research:startup' }, () =>
      this.queues
        .get('research')
        .upsertScheduler(RESEARCH_SWEEP_SCHEDULER_ID, { every: RESEARCH_SWEEP_EVERY_MS }, 'research.sweep-queued', {})
        .then(() => this.logger.log(`Outbox sweep scheduled every ${RESEARCH_SWEEP_EVERY_MS / 1000} s`))
        .catch((err: unknown) => this.logger.error(`Could not schedule the research outbox sweep: ${(err as Error).message}`)),
    );
  }

  started(): Promise<void> {
    return this.startedPromise;
  }
}
