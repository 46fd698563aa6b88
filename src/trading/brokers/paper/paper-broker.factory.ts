import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Decimal } from '../../../common/decimal';
import type { AccountId } from '../../../common/typed-ids';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { PaperBroker, type PaperBar, type PaperBrokerOptions, type PaperQuote } from './paper-broker';
import { PaperBrokerRepository } from './paper-broker.repository';

/** The PaperBroker options the configuration gives (PAPER_* variables). */
export function paperBrokerOptions(config: AppConfig, accountId: AccountId): PaperBrokerOptions {
  return {
    accountId,
    latencyMs: config.paperLatencyMs,
    participation: config.paperParticipation,
    startingCash: new Decimal(config.paperStartingCash),
    costs: { commissionBps: config.paperCommissionBps, slippageBps: config.paperSlippageBps },
    barTimeframe: config.paperBarTimeframe,
  };
}

/**
 * One PaperBroker per account for the process (its in-memory book must be the only one matching
 * that account's orders). The order management system asks `createPaperBroker(accountId)`;
 * repeated calls give the same started instance. Closed at shutdown.
 */
@Injectable()
export class PaperBrokerFactory implements OnApplicationShutdown {
  private readonly brokers = new Map<AccountId, PaperBroker>();

  constructor(
    private readonly repo: PaperBrokerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The account's paper broker (created and started on first use). */
  async createPaperBroker(accountId: AccountId): Promise<PaperBroker> {
    let broker = this.brokers.get(accountId);
    if (broker === undefined) {
      broker = new PaperBroker(this.repo, paperBrokerOptions(this.config, accountId));
      this.brokers.set(accountId, broker);
    }
    try {
      await broker.start();
    } catch (err) {
      this.brokers.delete(accountId);
      throw err;
    }
    return broker;
  }

  /** A new bar for every paper account this process runs (a market-data feed calls it once). */
  async onBar(symbol: string, bar: PaperBar): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.onBar(symbol, bar)));
  }

  /** A new quote for every paper account this process runs. */
  async onQuote(symbol: string, quote: PaperQuote): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.onQuote(symbol, quote)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.close()));
    this.brokers.clear();
  }
}
