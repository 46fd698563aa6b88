import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FILL_OBSERVER } from '../trading/orders/fill-observer.port';
import { ALERT_RAISER } from './alert-raise.port';
import { AlertDeliveryProcessor } from './alert-delivery.processor';
import { AlertDeliveryEntity, AlertEntity, AlertSubscriptionEntity } from './alert.entity';
import { AlertOutboxDispatcher } from './alert-outbox.dispatcher';
import { AlertRaiserService } from './alert-raiser.service';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { AlertChannelsRegistry } from './channels/alert-channels.registry';
import { InfrastructureAlertsWatch } from './infrastructure-alerts.watch';
import { TradeAlertsObserver } from './trade-alerts.observer';

/**
 * Alerts: the raiser (ALERT_RAISER: outbox rows in the caller's transaction), the dispatcher and
 * its sweep, the `alerts` queue's delivery processor, the four channels, the API, and the rules
 * it raises itself (fills through FILL_OBSERVER, broker failures through the OMS, Redis and
 * PostgreSQL outages). Global, so any module injects ALERT_RAISER without importing this one
 * (and without an import cycle: the OMS raises through it, and the alerts module needs nothing
 * of trading but the FILL_OBSERVER token's type).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertDeliveryEntity, AlertSubscriptionEntity])],
  controllers: [AlertsController],
  providers: [
    AlertsRepository,
    AlertChannelsRegistry,
    AlertOutboxDispatcher,
    AlertRaiserService,
    { provide: ALERT_RAISER, useExisting: AlertRaiserService },
    AlertDeliveryProcessor,
    AlertsService,
    TradeAlertsObserver,
    { provide: FILL_OBSERVER, useExisting: TradeAlertsObserver },
    InfrastructureAlertsWatch,
  ],
  exports: [ALERT_RAISER, FILL_OBSERVER, AlertOutboxDispatcher],
})
export class AlertsModule {}
