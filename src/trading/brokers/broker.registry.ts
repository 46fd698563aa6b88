import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { ServiceUnavailableError } from '../../common/errors/domain-error';
import type { AccountId } from '../../common/typed-ids';
import type { Broker } from './broker.types';

/**
 * Builds (or finds) the broker instance of one account (a Broker serves one account). May be
 * async, e.g. a factory that loads state first; `start` is called after it either way (it is
 * idempotent by the Broker contract).
 */
export type BrokerFactory = (accountId: AccountId) => Broker | Promise<Broker>;

/**
 * Which Broker an account trades through. The broker's name comes from config
 * (QUANTDESK_BROKER, default `paper`); each broker module registers its factory under its name
 * at start-up (`register`). One instance per account, created on first use, started once, and
 * closed at shutdown. Listeners (the OMS) hear of each new instance before it is handed out,
 * so they subscribe to its events before the first order is sent.
 */
@Injectable()
export class BrokerRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger('BrokerRegistry');
  private readonly factories = new Map<string, BrokerFactory>();
  private readonly brokers = new Map<AccountId, Promise<Broker>>();
  private readonly created: ((accountId: AccountId, broker: Broker) => void)[] = [];

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  register(name: string, factory: BrokerFactory): void {
    if (this.factories.has(name)) throw new Error(`A broker named ${name} is already registered`);
    this.factories.set(name, factory);
  }

  registered(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** The configured broker's name for an account (one broker for every account for now). */
  brokerNameFor(_accountId: AccountId): string {
    return this.config.tradingBroker;
  }

  onBrokerCreated(listener: (accountId: AccountId, broker: Broker) => void): void {
    this.created.push(listener);
  }

  /** The account's started broker; 503 when the configured broker is not registered. */
  forAccount(accountId: AccountId): Promise<Broker> {
    let broker = this.brokers.get(accountId);
    if (!broker) {
      broker = this.create(accountId);
      this.brokers.set(accountId, broker);
      // A failed start is not cached: the next order tries again.
      broker.catch(() => this.brokers.delete(accountId));
    }
    return broker;
  }

  private async create(accountId: AccountId): Promise<Broker> {
    const name = this.brokerNameFor(accountId);
    const factory = this.factories.get(name);
    if (!factory) {
      throw new ServiceUnavailableError(`No broker named "${name}" is available (QUANTDESK_BROKER); registered: ${this.registered().join(', ') || 'none'}`, {
        broker: name,
      });
    }
    const broker = await factory(accountId);
    for (const listener of this.created) listener(accountId, broker);
    await broker.start();
    return broker;
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.brokers.values()];
    this.brokers.clear();
    for (const pending of all) {
      try {
        await (await pending).close();
      } catch (err) {
        this.logger.warn(`Closing a broker failed: ${(err as Error).message}`);
      }
    }
  }
}
