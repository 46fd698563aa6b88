import { hostname } from 'node:os';

/**
 * This process as operators find it: `host:pid` (the container's hostname in Docker). Recorded
 * with work that any of several processes may do (an optimization chunk), so that "which process
 * did this" has an answer after the fact.
 */
export const PROCESS_IDENTITY = `${hostname()}:${process.pid}`;
