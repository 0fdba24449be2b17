import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { limitBody } from "./body-limit.js";

/** Echoes the bodies it is given, behind a limit of 10 bytes (100 under /large). */
function echoApp() {
  const app = new Hono();
  const read: string[] = [];
  app.use(
    "*",
    limitBody((path) => (path.startsWith("/large") ? 100 : 10)),
  );
  app.on(["GET", "POST"], "*", async (c) => {
    read.push(c.req.method);
    return c.text(c.req.method === "POST" ? await c.req.text() : "read");
  });
  return { app, read };
}

const streamOf = (text: string) =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

describe("the body limit", () => {
  it("refuses a declared length over the path's limit with 413, before any handler reads it", async () => {
    const { app, read } = echoApp();
    const refused = await app.request("/prompts", {
      method: "POST",
      headers: { "content-length": "11" },
      body: "x".repeat(11),
    });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({
      code: "payload_too_large",
      message: "the body is over the 10 byte limit",
    });
    expect(read).toEqual([]);
    const atLimit = await app.request("/prompts", {
      method: "POST",
      headers: { "content-length": "10" },
      body: "x".repeat(10),
    });
    expect(atLimit.status).toBe(200);
    const larger = await app.request("/large", {
      method: "POST",
      headers: { "content-length": "11" },
      body: "x".repeat(11),
    });
    expect(await larger.text()).toBe("x".repeat(11));
  });

  it("counts a body of undeclared length as it streams, refusing it past the limit", async () => {
    const { app } = echoApp();
    const send = (text: string) =>
      app.request("/prompts", {
        method: "POST",
        body: streamOf(text),
        duplex: "half",
      } as RequestInit);
    const refused = await send("x".repeat(11));
    expect(refused.status).toBe(413);
    const taken = await send("y".repeat(10));
    expect(taken.status).toBe(200);
    expect(await taken.text()).toBe("y".repeat(10));
  });

  it("leaves requests without a body alone, whatever length they declare", async () => {
    const { app, read } = echoApp();
    const response = await app.request("/prompts", { headers: { "content-length": "999" } });
    expect(response.status).toBe(200);
    expect(read).toEqual(["GET"]);
  });

  it("leaves a streamed route's body unread, counting it as the route reads and failing past the limit", async () => {
    const app = new Hono();
    app.use(
      "*",
      limitBody(
        () => 10,
        (path) => path === "/import",
      ),
    );
    let chunks = 0;
    app.post("/import", async (c) => {
      try {
        for await (const _ of c.req.raw.body ?? []) chunks++;
        return c.text("read whole");
      } catch (error) {
        return c.text(`failed: ${(error as Error).message}`, 413);
      }
    });
    const send = (parts: string[]) =>
      app.request("/import", {
        method: "POST",
        body: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    expect(await (await send(["12345", "67890"])).text()).toBe("read whole");
    expect(chunks).toBe(2);
    const over = await send(["12345", "67890", "x"]);
    expect(over.status).toBe(413);
    expect(await over.text()).toBe("failed: the body is over the 10 byte limit");
  });
});
