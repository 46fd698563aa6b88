/**
 * The stream detectors behind one factory (kind + params, as the models' createModel) and a
 * whole-stream scan for batch use (a backtest's error series, the evaluation harness).
 */
import { AdwinDetector } from './adwin.detector';
import { DdmDetector } from './ddm.detector';
import { DriftParamError } from './drift-errors';
import type { StreamDetector, StreamDetectorKind } from './drift.types';
import { PageHinkleyDetector } from './page-hinkley.detector';

export const STREAM_DETECTOR_KINDS: readonly StreamDetectorKind[] = ['adwin', 'page-hinkley', 'ddm'];

/** A fresh detector; unknown kind or parameter, or a value out of range: DriftParamError(field, reason). */
export function createStreamDetector(kind: StreamDetectorKind, params?: Readonly<Record<string, number>>): StreamDetector {
  switch (kind) {
    case 'adwin':
      return new AdwinDetector(params);
    case 'page-hinkley':
      return new PageHinkleyDetector(params);
    case 'ddm':
      return new DdmDetector(params);
    default:
      throw new DriftParamError('kind', `unknown detector kind ${String(kind)} (known: ${STREAM_DETECTOR_KINDS.join(', ')})`);
  }
}

/**
 * Scan a whole stream (NaN and other non-finite points skipped); indices (into `stream`) where
 * drift fired. Page-Hinkley and DDM reset after each drift (as river); ADWIN keeps its shrunk
 * window, its own adaptation (river's ADWIN does not reset either). lastStatistic: the statistic after the last
 * finite point (NaN if none).
 */
export function detectDrifts(
  kind: StreamDetectorKind,
  stream: ArrayLike<number>,
  params?: Readonly<Record<string, number>>,
): { readonly drifts: number[]; readonly lastStatistic: number } {
  const detector = createStreamDetector(kind, params);
  const drifts: number[] = [];
  let lastStatistic = NaN;
  for (let i = 0; i < stream.length; i++) {
    const x = stream[i];
    if (!Number.isFinite(x)) continue;
    const u = detector.update(x);
    lastStatistic = u.statistic;
    if (u.drift) drifts.push(i);
  }
  return { drifts, lastStatistic };
}
