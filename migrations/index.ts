import { Foundation1764000000000 } from './1764000000000-foundation';
import { ResearchRuns1764900000000 } from './1764900000000-research-runs';
import { AnalyticsRuns1765000400000 } from './1765000400000-analytics-runs';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * the TypeScript sources (tests) and the compiled dist/ (server, CLI).
 */
export const MIGRATIONS = [Foundation1764000000000, ResearchRuns1764900000000, AnalyticsRuns1765000400000];
