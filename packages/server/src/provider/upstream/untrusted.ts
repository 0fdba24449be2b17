/**
 * What a provider says in its errors is untrusted: providers quote the key they refused, proxies
 * echo request headers, and an upstream can encode what it echoes in more ways than any scrubber
 * can list (entities, escapes, fullwidth letters, reversed…). So none of its free text is shown or
 * stored: only the machine identifiers of an error (`error.type`, `error.code`), and only when each
 * is a short identifier that quotes none of the connection's secrets.
 */
import { secretPartsOf } from "../base-url.js";
import type { ProviderTarget, UpstreamIdentifiers } from "./types.js";

/** What an identifier may look like: long enough for real ones, too short for prose. */
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,64}$/;
/** An identifier holding this many characters of a secret in a row is not shown. */
const FRAGMENT = 6;

/** What a connection hands a provider that the provider must not be able to hand on. */
export function secretsOf(target: ProviderTarget): string[] {
  return [...(target.apiKey ? [target.apiKey] : []), ...secretPartsOf(target.baseUrl)];
}

/**
 * The identifiers of a provider's error answer: `error.type` and `error.code` of a JSON body as
 * OpenAI, Anthropic and Azure send it; nothing for any other body.
 */
export function identifiersOfAnswer(body: string, secrets: readonly string[]): UpstreamIdentifiers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  return identifiersOfError(
    typeof parsed === "object" && parsed !== null
      ? (parsed as { error?: unknown }).error
      : undefined,
    secrets,
  );
}

/** The `type` and `code` of an error object, each kept only when shown safely. */
export function identifiersOfError(
  error: unknown,
  secrets: readonly string[],
): UpstreamIdentifiers {
  if (typeof error !== "object" || error === null) return {};
  const identifiers: UpstreamIdentifiers = {};
  for (const field of ["type", "code"] as const) {
    const value: unknown = (error as Record<string, unknown>)[field];
    // Some servers send a numeric code (429); its digits are as safe as a name.
    const text = Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text === "string" && IDENTIFIER.test(text) && !quotesSecret(text, secrets)) {
      identifiers[field] = text;
    }
  }
  return identifiers;
}

/**
 * Whether `value` holds FRAGMENT characters of a secret in a row, in any case, as written or with
 * separators dropped on both sides (`sk-p.roj` quotes `sk-proj`). A secret shorter than FRAGMENT
 * counts only whole.
 */
function quotesSecret(value: string, secrets: readonly string[]): boolean {
  const views = (text: string) => {
    const lower = text.toLowerCase();
    return [lower, lower.replace(/[^a-z0-9]/g, "")];
  };
  const shown = views(value);
  return secrets.some((secret) =>
    views(secret).some((hidden, view) => {
      const length = Math.min(FRAGMENT, hidden.length);
      for (let at = 0; length > 0 && at + length <= hidden.length; at++) {
        if (shown[view]?.includes(hidden.slice(at, at + length))) return true;
      }
      return false;
    }),
  );
}
