export {
  type ClientOptions,
  type ClientStatus,
  createClient,
  type GetPromptOptions,
  type PromptFallback,
  PromptlineClient,
  type UpdateListener,
} from "./client.js";
export {
  PromptlineApiError,
  PromptlineUnreachableError,
  PromptUnavailableError,
} from "./errors.js";
export {
  type AnthropicRequestPart,
  type OpenAIMessage,
  type Placeholders,
  Prompt,
  type PromptSource,
  type Variables,
} from "./prompt.js";
export type { TraceStatus } from "./trace-delivery.js";
export { type RejectedTrace, TraceDeliveryError, type TraceProblem } from "./trace-errors.js";
export {
  type PromptRef,
  type TraceEnd,
  type TraceOptions,
  type TraceRecord,
  TraceReporter,
  type TraceSpan,
  type TraceStart,
} from "./traces.js";
