export { buildFeatures, buildLabels, checkFeatures, FEATURE_NAMES, FeatureError, LABEL_KINDS, REGIME_FEATURE_OPTIONS, type FeatureName, type FeatureSpec, type LabelKind } from './features.pipeline';
