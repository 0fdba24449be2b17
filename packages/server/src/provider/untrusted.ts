/**
 * Text a provider sends in its errors is untrusted: providers quote the key they refused, proxies
 * echo request headers, and a hostile upstream can encode the key any way it likes. Whatever of it
 * reaches a response, a trace or a log goes through `shownProviderText` first.
 */
import { secretPartsOf } from "./base-url.js";
import type { ProviderTarget } from "./types.js";

const REDACTED = "[redacted]";
/** Longest provider text shown; error messages are one sentence or two. */
const MAX_SHOWN = 300;
/** How much of a provider's text is looked at: enough to fill MAX_SHOWN after redaction. */
const MAX_EXAMINED = 2_000;
/** Secret fragments are matched this many letters and digits at a time. */
const FRAGMENT = 8;
/** Shorter secrets cannot be hidden without hiding ordinary words; they are no credentials. */
const MIN_SECRET = 6;

/** What a connection hands a provider that the provider must not be able to hand on. */
export function secretsOf(target: ProviderTarget): string[] {
  return [...(target.apiKey ? [target.apiKey] : []), ...secretPartsOf(target.baseUrl)];
}

/**
 * The message of a provider's error answer. From JSON only a well-known message field is taken
 * (`error.message` for OpenAI, Anthropic and Azure; `error` or `message` as a string for other
 * compatible servers), never the rest of the body; plain text (a proxy's "Bad Gateway") is kept.
 */
export function upstreamErrorMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const { error, message } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    error?: unknown;
    message?: unknown;
  };
  const nested =
    typeof error === "object" && error !== null ? (error as { message?: unknown }).message : error;
  const found = [nested, message].find((field) => typeof field === "string" && field.trim() !== "");
  return (found as string | undefined) ?? "";
}

/**
 * Provider text fit to show and to store: on one line, at most MAX_SHOWN characters, with the
 * connection's secrets hidden in any case, split by separators, in base64 or in hex, and with
 * anything else that looks like a credential hidden too.
 */
export function shownProviderText(text: string, secrets: readonly string[]): string {
  const line = text
    .slice(0, MAX_EXAMINED)
    .replace(/[\s\p{Cc}]+/gu, " ")
    .trim();
  const shown = hideCredentialLikeRuns(hideSecrets(line, secrets));
  if (!shown) return "no error message";
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown;
}

/** Only letters and digits, lower-cased: what survives case changes and inserted separators. */
const compact = (text: string) => text.replace(/[^A-Za-z0-9]/g, "").toLowerCase();

/** Every form a secret can be quoted in, compacted: itself, its base64 at each byte offset, hex. */
function quotedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = [compact(secret), bytes.toString("hex")];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // The first and last characters mix in the bytes around the secret; the middle is its own.
    forms.push(compact(encoded.slice(3, -3)));
  }
  return forms.filter((form) => form.length >= MIN_SECRET);
}

/** Hides every stretch of `text` whose letters and digits spell part of a secret's forms. */
function hideSecrets(text: string, secrets: readonly string[]): string {
  const forms = secrets.flatMap(quotedForms);
  if (forms.length === 0) return text;
  const fragments = new Set<string>();
  const wholes = new Set<string>();
  for (const form of forms) {
    if (form.length < FRAGMENT) wholes.add(form);
    for (let i = 0; i + FRAGMENT <= form.length; i++) fragments.add(form.slice(i, i + FRAGMENT));
  }
  // Where each letter or digit of the compacted text stands in the original.
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++)
    if (/[A-Za-z0-9]/.test(text[i] as string)) positions.push(i);
  const letters = compact(text);
  const hidden = new Uint8Array(letters.length);
  const hide = (start: number, length: number) => hidden.fill(1, start, start + length);
  for (let i = 0; i + FRAGMENT <= letters.length; i++) {
    if (fragments.has(letters.slice(i, i + FRAGMENT))) hide(i, FRAGMENT);
  }
  for (const whole of wholes) {
    for (let at = letters.indexOf(whole); at >= 0; at = letters.indexOf(whole, at + 1)) {
      hide(at, whole.length);
    }
  }
  return replaceHidden(text, positions, hidden);
}

/**
 * Characters keys are written with: a hidden stretch widens over them, taking the few characters
 * at the ends of a base64 form that are not the secret's alone.
 */
const TOKEN_CHARACTER = /[A-Za-z0-9_-]/;

function replaceHidden(text: string, positions: number[], hidden: Uint8Array): string {
  let result = "";
  let copiedUpTo = 0;
  for (let i = 0; i < hidden.length; i++) {
    if (!hidden[i]) continue;
    let end = i;
    while (hidden[end + 1]) end++;
    let from = positions[i] as number;
    let to = (positions[end] as number) + 1;
    while (from > copiedUpTo && TOKEN_CHARACTER.test(text[from - 1] as string)) from--;
    while (to < text.length && TOKEN_CHARACTER.test(text[to] as string)) to++;
    if (text.startsWith("==", to)) to += 2;
    else if (text[to] === "=") to++;
    result += text.slice(copiedUpTo, from) + REDACTED;
    copiedUpTo = to;
    i = end;
    // Letters and digits swallowed by the token's widening are hidden already.
    while (i + 1 < hidden.length && (positions[i + 1] as number) < to) i++;
  }
  return result + text.slice(copiedUpTo);
}

/**
 * Credentials the connection does not know of (another service's token a proxy echoed): runs of
 * base64 characters 24 or longer that mix upper case, lower case and digits, and runs of letters
 * and digits 32 or longer that mix both (hex keys). Model names and paths have separators or no
 * digits, so they stay.
 */
function hideCredentialLikeRuns(text: string): string {
  return text.replace(/[A-Za-z0-9+/]{24,}={0,2}/g, (run) => {
    if (!/\d/.test(run) || !/[A-Za-z]/.test(run)) return run;
    const mixedCase = /[a-z]/.test(run) && /[A-Z]/.test(run);
    return mixedCase || /^[A-Za-z0-9]{32,}$/.test(run) ? REDACTED : run;
  });
}
