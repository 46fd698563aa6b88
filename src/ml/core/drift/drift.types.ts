export type StreamDetectorKind = 'adwin' | 'page-hinkley' | 'ddm';

export interface DriftUpdate {
  readonly drift: boolean;
  readonly warning: boolean;
  /** the detector's test statistic after this point (ADWIN: max |mean0-mean1| - eps_cut over cuts checked, PH: m_T - M_T, DDM: p+s) */
  readonly statistic: number;
}

export interface StreamDetector {
  readonly kind: StreamDetectorKind;
  update(x: number): DriftUpdate;
  reset(): void;
}
