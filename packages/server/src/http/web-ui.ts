import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import type { AppEnv } from "./auth.js";
import { problem } from "./problem.js";
import { WEB_UI_SECURITY_HEADERS } from "./security-headers.js";

/** Where `npm run build` puts the web workspace, next to this package. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** Paths the UI must never shadow: the APIs answer their own 404s. */
const API_PREFIXES = ["/api/", "/v1/", "/metrics", "/healthz", "/readyz", "/openapi.json"];

/**
 * Serves the built web UI at `/`: its files (hashed assets cached for good), and index.html for
 * every other page path, so links into the app work on reload. Only GET and HEAD.
 */
export function serveWebUi(app: Hono<AppEnv>, dir: string = DEFAULT_WEB_DIR): void {
  const root = normalize(dir.endsWith(sep) ? dir : `${dir}${sep}`);
  app.on(["GET", "HEAD"], "*", async (c, next) => {
    const path = c.req.path;
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return problem(c, 400, "invalid", `the path ${path} is not valid URL encoding`);
    }
    const file = normalize(join(root, decoded));
    if (!file.startsWith(root)) return next();
    const asset = extname(file) !== "" && existsSync(file);
    const target = asset ? file : join(root, "index.html");
    if (!existsSync(target)) {
      return problem(
        c,
        404,
        "not_found",
        asset
          ? `no file ${path}`
          : "the web UI is not built in this installation: run npm run build (npm install does it)",
      );
    }
    const body = await readFile(target);
    return c.body(body, 200, {
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      "cache-control": target.includes(`${sep}assets${sep}`)
        ? "public, max-age=31536000, immutable"
        : "no-cache",
      ...WEB_UI_SECURITY_HEADERS,
    });
  });
}
