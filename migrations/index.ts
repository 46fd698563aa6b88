import { Foundation1764000000000 } from './1764000000000-foundation';
import { ResearchRuns1764900000000 } from './1764900000000-research-runs';
import { Execution1765000200000 } from './1765000200000-execution';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * the TypeScript sources (tests) and the compiled dist/ (server, CLI).
 */
export const MIGRATIONS = [Foundation1764000000000, ResearchRuns1764900000000, Execution1765000200000];
