import { ApiError } from "@promptline/client";

export interface FieldErrors {
  /** Field ("name", "tags") → what is wrong with it, as a sentence. */
  fields: Record<string, string>;
  /** What is not about one field, or the whole message when the answer named none. */
  general: string | undefined;
}

/** A message without the request paths a server puts before each part ("body.name: "). */
const withoutPaths = (message: string) =>
  message.replace(/\b(?:body|query|path|header)(?:\.[\w-]+)+: /g, "");

/** "a prompt name is …" → "A prompt name is …." */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text[0]?.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * What a typed value breaks, judged by the schema the server applies and in its words, as the
 * user types: undefined when it is empty or fine.
 */
export function typedError(
  schema: {
    safeParse(value: string): { success: boolean; error?: { issues: { message: string }[] } };
  },
  value: string,
): string | undefined {
  const typed = value.trim();
  if (!typed) return undefined;
  const check = schema.safeParse(typed);
  return check.success ? undefined : sentence(check.error?.issues[0]?.message ?? "");
}

/**
 * A refused request's problems by the form field they are about: the server names each field by
 * its place in the request ("body.name", "body.tags.0"), which a person does not need to see.
 */
export function fieldErrors(error: unknown): FieldErrors {
  const issues =
    error instanceof ApiError &&
    typeof error.details === "object" &&
    error.details !== null &&
    Array.isArray((error.details as { issues?: unknown }).issues)
      ? ((error.details as { issues: Array<{ path?: unknown; message?: unknown }> }).issues ?? [])
      : [];
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path.split(".") : [];
    const field = path[0] === "body" ? path[1] : undefined;
    const message = sentence(String(issue.message ?? ""));
    if (field && !fields[field]) fields[field] = message;
    else if (!field) rest.push(message);
  }
  const general =
    issues.length === 0
      ? error instanceof Error
        ? sentence(withoutPaths(error.message))
        : undefined
      : rest.length > 0
        ? rest.join(" ")
        : undefined;
  return { fields, general };
}
