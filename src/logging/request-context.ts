import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

/** The HTTP request being served, so that every log line written for it carries its id. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
