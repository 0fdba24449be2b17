// PromptlineApiError: the registry answered no (unknown prompt, unset label, bad key …), with the
// `status`, `code`, `message` and `details` of its problem answer. PromptlineUnreachableError: it
// could not be reached, or did not answer in time.
export {
  ApiError as PromptlineApiError,
  UnreachableError as PromptlineUnreachableError,
} from "@promptline/client";

/** The registry could not be reached and there is nothing (cache, snapshot, fallback) to serve. */
export class PromptUnavailableError extends Error {
  override name = "PromptUnavailableError";
}
