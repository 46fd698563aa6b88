import { Foundation1764000000000 } from './1764000000000-foundation';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * the TypeScript sources (tests) and the compiled dist/ (server, CLI).
 */
export const MIGRATIONS = [Foundation1764000000000];
