/** The registry could not be reached and there is nothing (cache, snapshot, fallback) to serve. */
export class PromptUnavailableError extends Error {
  override name = "PromptUnavailableError";
}

/** The registry answered, and the answer is no: unknown prompt, unset label, bad key … */
export class PromptlineApiError extends Error {
  override name = "PromptlineApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
