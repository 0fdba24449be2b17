/** Request bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Trace batches and gateway requests (long conversations) may be larger. */
export const MAX_INGEST_BYTES = 16 * 1024 * 1024;

/** Signing in is open to anyone, so its body (an API key) is kept small. */
export const MAX_SIGN_IN_BYTES = 4096;

/** Scores from the CLI's custom scorers: up to 5000, each with a reason. */
const EVAL_SCORES_PATH = /^\/api\/v1\/eval-runs\/[^/]+\/scores$/;

/** The size limit of a request's body, by where it goes. */
export function bodyLimitFor(path: string): number {
  if (path === "/api/v1/session") return MAX_SIGN_IN_BYTES;
  if (EVAL_SCORES_PATH.test(path)) return MAX_INGEST_BYTES;
  return path === "/api/v1/traces" || path.startsWith("/v1/") ? MAX_INGEST_BYTES : MAX_BODY_BYTES;
}
