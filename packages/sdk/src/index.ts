export {
  type ClientOptions,
  type ClientStatus,
  createClient,
  type GetPromptOptions,
  type PromptFallback,
  PromptlineClient,
  type UpdateListener,
} from "./client.js";
export { PromptlineApiError, PromptUnavailableError } from "./errors.js";
export {
  type AnthropicRequestPart,
  type OpenAIMessage,
  type Placeholders,
  Prompt,
  type PromptSource,
  type Variables,
} from "./prompt.js";
export {
  type PromptRef,
  type RejectedTrace,
  TraceDeliveryError,
  type TraceEnd,
  type TraceOptions,
  type TraceProblem,
  type TraceRecord,
  TraceReporter,
  type TraceSpan,
  type TraceStart,
  type TraceStatus,
} from "./traces.js";
