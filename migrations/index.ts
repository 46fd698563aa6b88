import { Foundation1764000000000 } from './1764000000000-foundation';
import { ResearchRuns1764900000000 } from './1764900000000-research-runs';
import { Routing1765000300000 } from './1765000300000-routing';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * the TypeScript sources (tests) and the compiled dist/ (server, CLI).
 */
export const MIGRATIONS = [Foundation1764000000000, ResearchRuns1764900000000, Routing1765000300000];
