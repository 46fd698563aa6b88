import { Injectable } from '@nestjs/common';
import type { IngestionProvider } from './ingestion-provider';

/**
 * The providers this process knows. Each data-source module registers its providers in its
 * `onModuleInit`; the ingestion runner (schedules, runs, routes) reads them from here, so a new
 * provider needs no change to the runner.
 */
@Injectable()
export class IngestionRegistry {
  private readonly providers = new Map<string, IngestionProvider>();

  register(provider: IngestionProvider): void {
    if (this.providers.has(provider.name)) throw new Error(`Ingestion provider ${provider.name} is registered twice`);
    this.providers.set(provider.name, provider);
  }

  get(name: string): IngestionProvider | undefined {
    return this.providers.get(name);
  }

  all(): IngestionProvider[] {
    return [...this.providers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
