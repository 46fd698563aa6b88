import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QueuesService } from '../queues/queues.service';

export type DependencyName = 'postgres' | 'redis';
export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}
export interface Readiness {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Record<DependencyName, DependencyStatus>;
}

/** A check that does not answer within this is reported down (a dead Redis never errors, it hangs). */
const CHECK_TIMEOUT_MS = 1500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueuesService,
  ) {}

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      this.check(() => this.db.query('SELECT 1')),
      this.check(() => this.queues.ping()),
    ]);
    return { status: postgres.status === 'up' && redis.status === 'up' ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }

  private async check(probe: () => Promise<unknown>): Promise<DependencyStatus> {
    const started = performance.now();
    try {
      await withTimeout(probe(), CHECK_TIMEOUT_MS);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
    }
  }
}
