export { attachModelSignal, modelSignal, trainModel, type ModelSignalResult, type ModelSignalSpec } from './model.signal';
