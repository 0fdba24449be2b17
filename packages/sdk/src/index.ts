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
