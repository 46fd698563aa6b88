import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request (or per-job) context, so every log line carries its request id. */
export interface RequestContext {
  readonly requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
