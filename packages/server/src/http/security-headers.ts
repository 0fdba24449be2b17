import type { MiddlewareHandler } from "hono";

/**
 * What the web UI's pages may load: only the server's own scripts, styles, images and API; no
 * plugins, no <base> rewriting, no framing (clickjacking). The built UI has no inline script.
 * Styles allow 'unsafe-inline' because CodeMirror writes its theme into <style> elements it
 * creates at run time; scripts, where an injection would do harm, stay locked to 'self'.
 */
export const WEB_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers every web UI file is served with. */
export const WEB_UI_SECURITY_HEADERS = {
  "content-security-policy": WEB_UI_CSP,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

/**
 * API answers are data, never documents: a browser must not sniff one into HTML, run anything it
 * holds, frame it, or leak its URL (prompt names, trace filters) to another site.
 */
const API_SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

/**
 * Adds the API's security headers to every answer that has not set its own (web UI files carry
 * the page policy above). Set after the handler, so raw and streamed responses get them too.
 */
export const apiSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) {
    if (!headers.has(name)) headers.set(name, value);
  }
};
