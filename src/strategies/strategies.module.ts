import { Module } from '@nestjs/common';
import { StrategiesController } from './strategies.controller';

/** The strategy registry over HTTP (read-only; the registry itself is the pure core's). */
@Module({ controllers: [StrategiesController] })
export class StrategiesModule {}
