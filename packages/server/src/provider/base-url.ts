/**
 * What of a connection's base URL may be shown. Its query string is allowed because Azure needs
 * `?api-version=…` there, but some OpenAI-compatible servers take their key as `?api_key=…`: so a
 * query value is shown only to admins, unless its parameter is known to hold no secret.
 */

/** Query parameters whose values are settings, never secrets (compared case-insensitively). */
const SHOWN_QUERY_VALUES = new Set(["api-version"]);

const MASK = "***";

const isShown = (name: string) => SHOWN_QUERY_VALUES.has(name.toLowerCase());

/** Stored URLs passed the schema's parse; one that does not parse is shown as nothing of it. */
function parse(baseUrl: string): URL | undefined {
  try {
    return new URL(baseUrl);
  } catch {
    return undefined;
  }
}

/**
 * The base URL as non-admins and the audit log see it: scheme, host, path and parameter names,
 * with every query value masked except the allowed ones, and any user or password masked too
 * (connections saved before credentials were refused may still carry them).
 */
export function maskedBaseUrl(baseUrl: string): string {
  const url = parse(baseUrl);
  if (!url) return MASK;
  const userinfo = url.username || url.password ? `${MASK}@` : "";
  const query = [...url.searchParams]
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name)}=${isShown(name) ? encodeURIComponent(value) : MASK}`,
    )
    .join("&");
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query ? `?${query}` : ""}`;
}

/** The parts of a base URL that may be secrets, for hiding them wherever a provider quotes them. */
export function secretPartsOf(baseUrl: string | null): string[] {
  const url = baseUrl === null ? undefined : parse(baseUrl);
  if (!url) return [];
  const values = [...url.searchParams].filter(([name]) => !isShown(name)).map(([, value]) => value);
  return [url.username, url.password, ...values].filter((part) => part !== "");
}
