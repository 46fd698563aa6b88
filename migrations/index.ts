import { Foundation1764000000000 } from './1764000000000-foundation';
import { ResearchRuns1764900000000 } from './1764900000000-research-runs';
import { Trading1765000000000 } from './1765000000000-trading';
import { Deployments1765000500000 } from './1765000500000-deployments';
import { PaperBroker1765000100000 } from './1765000100000-paper-broker';
import { AnalyticsRuns1765000400000 } from './1765000400000-analytics-runs';
import { Routing1765000300000 } from './1765000300000-routing';
import { Execution1765000200000 } from './1765000200000-execution';
import { Reconciliation1765000600000 } from './1765000600000-reconciliation';
import { Alerts1765800000000 } from './1765800000000-alerts';
import { BarsLatest1766100000000 } from './1766100000000-bars-latest';
import { Risk1765900000000 } from './1765900000000-risk';
import { IngestionNews1766200000000 } from './1766200000000-ingestion-news';
import { FilingsEvents1766300000000 } from './1766300000000-filings-events';
import { Social1766400000000 } from './1766400000000-social';
import { RiskSeries1766500000000 } from './1766500000000-risk-series';
import { Ml1766600000000 } from './1766600000000-ml';
import { OptimizationChunkWorker1766600500000 } from './1766600500000-optimization-chunk-worker';
import { DeploymentModel1766700000000 } from './1766700000000-deployment-model';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * the TypeScript sources (tests) and the compiled dist/ (server, CLI).
 */
export const MIGRATIONS = [
  Foundation1764000000000,
  ResearchRuns1764900000000,
  Trading1765000000000,
  PaperBroker1765000100000,
  Execution1765000200000,
  Routing1765000300000,
  AnalyticsRuns1765000400000,
  Deployments1765000500000,
  Reconciliation1765000600000,
  Alerts1765800000000,
  BarsLatest1766100000000,
  Risk1765900000000,
  IngestionNews1766200000000,
  FilingsEvents1766300000000,
  Social1766400000000,
  RiskSeries1766500000000,
  Ml1766600000000,
  OptimizationChunkWorker1766600500000,
  DeploymentModel1766700000000,
];
