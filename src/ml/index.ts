export { MODEL_SIGNAL_SOURCE, ModelNotFoundError, type ModelSignalSource } from './model-signal-source.port';
export { MlModule } from './ml.module';
