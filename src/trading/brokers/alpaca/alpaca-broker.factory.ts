import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/inject-config.decorator';
import { DomainError } from '../../../common/errors/domain-error';
import { AlpacaBroker } from './alpaca.broker';

/** The Alpaca broker was selected but ALPACA_KEY_ID / ALPACA_SECRET_KEY are not both set. */
export class AlpacaDisabledError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'BROKER_DISABLED';
}

/** Why the Alpaca broker cannot be used with this configuration, or null when it can. */
export function alpacaDisabledReason(config: AppConfig): string | null {
  if (config.alpacaKeyId === '' && config.alpacaSecretKey === '') return 'the Alpaca broker is disabled: set ALPACA_KEY_ID and ALPACA_SECRET_KEY';
  if (config.alpacaKeyId === '') return 'the Alpaca broker is disabled: ALPACA_SECRET_KEY is set but ALPACA_KEY_ID is empty';
  if (config.alpacaSecretKey === '') return 'the Alpaca broker is disabled: ALPACA_KEY_ID is set but ALPACA_SECRET_KEY is empty';
  return null;
}

/** An AlpacaBroker on the configured URLs, keys, timeouts and retries; throws AlpacaDisabledError without keys. */
export function createAlpacaBroker(config: AppConfig, warn?: (message: string) => void): AlpacaBroker {
  const reason = alpacaDisabledReason(config);
  if (reason !== null) throw new AlpacaDisabledError(reason, { broker: 'alpaca' });
  return new AlpacaBroker({
    baseUrl: config.alpacaBaseUrl,
    streamUrl: config.alpacaStreamUrl,
    keyId: config.alpacaKeyId,
    secretKey: config.alpacaSecretKey,
    timeoutMs: config.alpacaRequestTimeoutMs,
    maxRetries: config.alpacaMaxRetries,
    retryBaseMs: config.alpacaRetryBaseMs,
    maxRetryAfterMs: config.alpacaMaxRetryAfterMs,
    streamReconnectMs: config.alpacaStreamReconnectMs,
    warn,
  });
}

/**
 * Hands the order management system the one AlpacaBroker of this process, built on first use
 * (so a server without Alpaca keys starts fine and only selecting Alpaca fails, with
 * AlpacaDisabledError), and closes it on shutdown.
 */
@Injectable()
export class AlpacaBrokerFactory implements OnModuleDestroy {
  private broker: AlpacaBroker | null = null;
  private readonly logger = new Logger('AlpacaBroker');

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get enabled(): boolean {
    return alpacaDisabledReason(this.config) === null;
  }

  get(): AlpacaBroker {
    this.broker ??= createAlpacaBroker(this.config, (message) => this.logger.warn(message));
    return this.broker;
  }

  async onModuleDestroy(): Promise<void> {
    await this.broker?.close();
    this.broker = null;
  }
}
