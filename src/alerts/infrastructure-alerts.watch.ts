import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';
import { ALERT_RAISER, type AlertRaiser } from './alert-raise.port';
import { ALERT_RULES } from './alert.types';

/** A probe that does not answer within this is down (a dead Redis hangs rather than errors). */
const PROBE_TIMEOUT_MS = 1500;

type Probe = 'redis' | 'postgres';

/**
 * Queue/Redis down and database errors, firm-wide and critical, from a probe every
 * ALERTS_HEALTH_CHECK_MS in consuming processes (the checks /health/ready makes):
 * - Redis stops answering: the alert is written at once (PostgreSQL is the outbox) and goes out
 *   when Redis answers again, with the queued deliveries it held up;
 * - PostgreSQL stops answering: nothing can be written then, so the alert is raised when it
 *   answers again, saying from when to when it was unreachable and the last error.
 */
@Injectable()
export class InfrastructureAlertsWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AlertsWatch');
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** When each dependency was first seen down in the current outage, and why. */
  private readonly down = new Map<Probe, { since: Date; error: string }>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueuesService,
    @Inject(ALERT_RAISER) private readonly raiser: AlertRaiser,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api' || this.config.alertsHealthCheckMs === 0) return;
    this.timer = setInterval(() => void this.check(), this.config.alertsHealthCheckMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One probe round (skipped while the previous one runs). */
  async check(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const [redis, postgres] = await Promise.all([probe(() => this.queues.ping()), probe(() => this.db.query('SELECT 1'))]);
      await this.observe('postgres', postgres);
      await this.observe('redis', redis);
    } catch (err) {
      this.logger.warn(`Infrastructure alert could not be written: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async observe(what: Probe, error: string | null): Promise<void> {
    const outage = this.down.get(what);
    if (error !== null) {
      if (outage) return;
      this.down.set(what, { since: new Date(), error });
      this.logger.error(`${what} does not answer: ${error}`);
      if (what === 'redis' && !this.down.has('postgres')) {
        await this.raiser.raise({
          rule: ALERT_RULES.redisDown,
          severity: 'critical',
          title: 'Redis (queues) is down',
          body: `Redis stopped answering at ${new Date().toISOString()}: ${error}. Queued work (alerts, research runs, execution timers) waits until it is back.`,
          accountId: null,
          dedupeKey: 'redis',
          data: { error },
        });
      }
      return;
    }
    if (!outage) return;
    this.down.delete(what);
    const until = new Date();
    this.logger.log(`${what} answers again (down since ${outage.since.toISOString()})`);
    if (what === 'postgres') {
      await this.raiser.raise({
        rule: ALERT_RULES.databaseErrors,
        severity: 'critical',
        title: 'PostgreSQL was unreachable',
        body: `PostgreSQL did not answer from ${outage.since.toISOString()} to ${until.toISOString()}: ${outage.error}.`,
        accountId: null,
        dedupeKey: 'postgres',
        data: { since: outage.since.toISOString(), until: until.toISOString(), error: outage.error },
      });
    }
  }
}

/** Null when it answered in time, else the error. */
async function probe(p: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS)));
  try {
    await Promise.race([p(), timeout]);
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
