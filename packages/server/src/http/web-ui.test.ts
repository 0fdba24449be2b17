import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import type { AppEnv } from "./auth.js";
import { notFound } from "./not-found.js";
import { WEB_UI_CSP } from "./security-headers.js";
import { acceptsGzip, serveWebUi } from "./web-ui.js";

const base = mkdtempSync(join(tmpdir(), "promptline-web-ui-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A built UI in `<base>/<name>`, with a file beside it that must never be served. */
function builtUi(name: string, files: Record<string, string>) {
  const dir = join(base, name);
  mkdirSync(join(dir, "assets"), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(join(base, "secret.txt"), "not for the web");
  const app = new Hono<AppEnv>();
  app.notFound(notFound);
  serveWebUi(app, dir);
  return app;
}

describe("the web UI", () => {
  const app = builtUi("dist", {
    "index.html": "<html>promptline</html>",
    "assets/app-1a2b.js": "console.log(1)",
  });

  it("serves hashed assets cached for good, and index.html for every page path, never cached", async () => {
    const asset = await app.request("/assets/app-1a2b.js");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-security-policy")).toBe(WEB_UI_CSP);
    for (const page of ["/", "/prompts/support%2Frefund/versions"]) {
      const response = await app.request(page);
      expect(await response.text()).toBe("<html>promptline</html>");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    }
    expect((await app.request("/", { method: "HEAD" })).status).toBe(200);
  });

  it("answers a built file that is not there with 404, never with the app's page", async () => {
    for (const path of ["/assets/old-chunk-9z9z.js", "/assets/", "/assets/app-1a2b.js/"]) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("<html>");
    }
  });

  it("leaves the API's paths to the API, and serves nothing outside its directory", async () => {
    for (const path of ["/api/v1/nothing", "/v1/models", "/metrics", "/openapi.json"]) {
      expect(await (await app.request(path)).json()).toMatchObject({ code: "not_found" });
    }
    const outside = await app.request("/..%2fsecret.txt");
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain("not for the web");
  });

  it("sends text files gzipped to a browser that takes gzip, and as they are to one that does not", async () => {
    const script = "console.log(1);\n".repeat(2000);
    const zipping = builtUi("zipped", { "index.html": "<html>z</html>", "assets/big.js": script });
    for (let ask = 0; ask < 2; ask++) {
      // The second answer comes from the kept copy, and is the same.
      const zipped = await zipping.request("/assets/big.js", {
        headers: { "accept-encoding": "gzip, deflate, br" },
      });
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      expect(zipped.headers.get("vary")).toBe("accept-encoding");
      const bytes = Buffer.from(await zipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(script.length / 10);
      expect(gunzipSync(bytes).toString()).toBe(script);
    }
    const plain = await zipping.request("/assets/big.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
  });

  it("reads Accept-Encoding as RFC 9110 has it, q=0 refusing a coding", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("br;q=1.0, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("br, identity")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("answers a path that is not valid URL encoding with 400", async () => {
    const response = await app.request("/prompts/%E0%A4%A");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      message: "the path /prompts/%E0%A4%A is not valid URL encoding",
    });
  });

  it("says how to build it when it is not built", async () => {
    const unbuilt = builtUi("empty", {});
    const response = await unbuilt.request("/prompts");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      message: expect.stringContaining("run npm run build"),
    });
  });
});
