/**
 * `npm run bench -- drift-detectors [--runs N]`: the stream detectors of src/ml/core/drift on
 * the seeded synthetic streams of drift-evaluation.ts (issue 9: "detection delay and
 * false-alarm rate reported"), at their default parameters (river's) plus ADWIN with the
 * paper's every-boundary cut scan (everyCut = 1). Per detector and scenario: detection rate,
 * mean / median / 95th-percentile delay (points after the change), false alarms per 10,000
 * points (before the change, or over the whole no-change stream), and throughput: points per
 * second of detector updates on pre-generated streams (least CPU time of several runs, so
 * stream generation is not counted).
 * DDM is run on the 0/1 streams only (it models a classifier's error indicator).
 *
 * Figures (2-core shared machine, Node 20, 500 runs; FA/10k before the change for the change
 * scenarios, over 50 x 10,000 points for the no-change ones):
 *   scenario                 detector          detected  mean  median  p95  FA/10k  points/s
 *   error rate 0.2 -> 0.5    adwin               100%    188    183   279   0       1.2e7
 *                            adwin everyCut=1    100%     94     87   151   0       1.2e7
 *                            page-hinkley        100%    159    160   210   0       1.1e8
 *                            ddm                99.8%    126     94   344   3.2     6.5e7
 *   gaussian 0 -> 1 (sd 1)   adwin               100%    119    119   151   0       1.1e7
 *                            adwin everyCut=1    100%     51     55    55   0       1.1e7
 *                            page-hinkley       99.8%     39     38    62   1.8     9.0e7
 *   no change, errors 0.2    adwin / everyCut / page-hinkley / ddm            0 / 0 / 0.10 / 0.42
 *   no change, gaussian      adwin / everyCut / page-hinkley                  0 / 0 / 2.9
 * ADWIN's delays come in steps of its clock (32 points). DDM's pre-change false alarms are
 * mostly right after its 30-point warm-up. Page-Hinkley's threshold (50) is in the stream's
 * units: on the sd-1 gaussian it false-alarms about every 3,400 points.
 */
import { createStreamDetector, DRIFT_SCENARIOS, evaluateDetector, syntheticStream, type StreamDetectorKind } from '../src/ml/core/drift';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg('runs', 500);
const out = (s: string): boolean => process.stdout.write(`${s}\n`);

interface Variant {
  readonly label: string;
  readonly kind: StreamDetectorKind;
  readonly params?: Readonly<Record<string, number>>;
}
const VARIANTS: readonly Variant[] = [
  { label: 'adwin', kind: 'adwin' },
  { label: 'adwin everyCut=1', kind: 'adwin', params: { everyCut: 1 } },
  { label: 'page-hinkley', kind: 'page-hinkley' },
  { label: 'ddm', kind: 'ddm' },
];

const fmt = (x: number, digits = 1): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));

out(`Drift detectors on seeded synthetic streams (${RUNS} runs per change scenario, ${Math.max(1, Math.round(RUNS / 10))} per no-change scenario)`);
out(
  `${'scenario'.padEnd(30)} ${'detector'.padEnd(18)} ${'detected'.padStart(8)} ${'mean'.padStart(7)} ${'median'.padStart(7)} ${'p95'.padStart(6)} ${'FA/10k'.padStart(7)} ${'points/s'.padStart(11)}`,
);
for (const scenario of DRIFT_SCENARIOS) {
  const runs = scenario.changeAt === null ? Math.max(1, Math.round(RUNS / 10)) : RUNS;
  // The same pre-generated streams for the throughput figure of every detector.
  const streams = Array.from({ length: 20 }, (_, r) => syntheticStream(scenario, 7_000 + r));
  const points = streams.reduce((s, x) => s + x.length, 0);
  for (const v of VARIANTS) {
    if (v.kind === 'ddm' && scenario.distribution !== 'bernoulli') continue;
    const e = evaluateDetector(v.kind, scenario, { runs, seed: 1, params: v.params });
    const p95 = e.delays.length > 0 ? e.delays[Math.min(e.delays.length - 1, Math.floor(0.95 * e.delays.length))] : NaN;
    const t = timeRuns(() => {
      let fired = 0;
      for (const s of streams) {
        const d = createStreamDetector(v.kind, v.params);
        for (let i = 0; i < s.length; i++) if (d.update(s[i]).drift) fired++;
      }
      return fired;
    });
    const detected = scenario.changeAt === null ? '-' : `${(100 * e.detectionRate).toFixed(1)}%`;
    out(
      `${scenario.name.padEnd(30)} ${v.label.padEnd(18)} ${detected.padStart(8)} ${fmt(e.meanDelay).padStart(7)} ${fmt(e.medianDelay).padStart(7)} ${fmt(p95, 0).padStart(6)} ${fmt(e.falseAlarmsPer1000 * 10, 3).padStart(7)} ${((points / t.cpuMin) * 1000).toExponential(2).padStart(11)}`,
    );
  }
}
