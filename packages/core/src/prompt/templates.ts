import type { PromptContent } from "./content.js";

/** Every template string of a content, with where it sits (for error messages and diffs). */
export function templatesOf(content: PromptContent): Array<{ path: string; template: string }> {
  if (content.type === "text") return [{ path: "text", template: content.text }];
  return content.messages.flatMap((m, i) =>
    "role" in m ? [{ path: `messages[${i}].content`, template: m.content }] : [],
  );
}
