export {
  type Api,
  CASE_FILE_TYPES,
  type CaseFileDownload,
  createApi,
  datasetPath,
  promptPath,
} from "./api.js";
export { ApiError, apiErrorOf, problemOf, retryAfterOf, UnreachableError } from "./errors.js";
export { backoff, isRetryable, sleep } from "./retry.js";
export { type SseEvent, type SseOptions, SseOverflowError, sseBatches, sseEvents } from "./sse.js";
export {
  CLIENT_HEADER,
  type Fetched,
  type QueryValue,
  type RequestOptions,
  Transport,
  type TransportOptions,
} from "./transport.js";

import { type Api, createApi } from "./api.js";
import { Transport, type TransportOptions } from "./transport.js";

export type ApiClient = Api & { readonly http: Transport };

/** A typed client of the promptline API: `api.prompts.list()`, … and `api.http` for the rest. */
export function createApiClient(options: TransportOptions = {}): ApiClient {
  const http = new Transport(options);
  return Object.assign(createApi(http), { http });
}
