import { Global, Module } from '@nestjs/common';
import { IngestionRegistry } from './ingestion.registry';

/** Global so every data-source module can register its providers without importing the runner. */
@Global()
@Module({ providers: [IngestionRegistry], exports: [IngestionRegistry] })
export class IngestionRegistryModule {}
