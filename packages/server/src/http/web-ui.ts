import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
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

/** The kinds of file that shrink when compressed (images and fonts are compressed already). */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".map", ".json", ".svg"]);
/** What the compressed copies may take in memory, all together; the build is far smaller. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

const gzipAsync = promisify(gzip);

/**
 * The gzip of each file, made once (off the event loop, in libuv's pool) and kept while the file
 * is unchanged: the workspace's first load is about 220 kB instead of 860 kB.
 */
function gzipCache() {
  const cached = new Map<string, { version: string; body: Buffer<ArrayBuffer> }>();
  let bytes = 0;
  return async (file: string): Promise<Buffer<ArrayBuffer>> => {
    const { size, mtimeMs } = await stat(file);
    const version = `${size}:${mtimeMs}`;
    const hit = cached.get(file);
    if (hit?.version === version) return hit.body;
    // Read only when the kept copy is missing or stale.
    const zipped = (await gzipAsync(await readFile(file), { level: 9 })) as Buffer<ArrayBuffer>;
    if (hit) bytes -= hit.body.length;
    if (bytes + zipped.length <= MAX_CACHED_BYTES) {
      cached.set(file, { version, body: zipped });
      bytes += zipped.length;
    } else cached.delete(file);
    return zipped;
  };
}

/** Whether the request's Accept-Encoding takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Paths the UI must never shadow: the APIs answer their own 404s. */
const API_PREFIXES = ["/api/", "/v1/", "/metrics", "/healthz", "/readyz", "/openapi.json"];

/**
 * Serves the built web UI at `/`: its files (hashed assets cached for good), and index.html for
 * every other page path, so links into the app work on reload. Only GET and HEAD.
 */
export function serveWebUi(app: Hono<AppEnv>, dir: string = DEFAULT_WEB_DIR): void {
  const root = normalize(dir.endsWith(sep) ? dir : `${dir}${sep}`);
  const zipped = gzipCache();
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
    // A built file that is not there (a chunk of an earlier build, asked for by an old tab) is
    // a 404, not the app's page: a script tag given HTML fails in a way no one can read.
    if (!asset && decoded.startsWith("/assets/")) {
      return problem(
        c,
        404,
        "not_found",
        `no file ${path}: the page may be from an earlier build — reload it`,
      );
    }
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
    const compress =
      COMPRESSIBLE.has(extname(target)) && acceptsGzip(c.req.header("accept-encoding"));
    return c.body(compress ? await zipped(target) : await readFile(target), 200, {
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      vary: "accept-encoding",
      ...(compress && { "content-encoding": "gzip" }),
      "cache-control": target.includes(`${sep}assets${sep}`)
        ? "public, max-age=31536000, immutable"
        : "no-cache",
      ...WEB_UI_SECURITY_HEADERS,
    });
  });
}
