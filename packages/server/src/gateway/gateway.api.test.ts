import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "../test-support/fake-anthropic.js";
import { type FakeUpstream, startFakeOpenAI } from "../test-support/fake-openai.js";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

async function publishAndDeploy(server: TestServer, name: string, draft: unknown) {
  expect((await server.call("POST", "/api/v1/prompts", { name, type: "chat", draft })).status).toBe(
    201,
  );
  const published = await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
    commitMessage: "first",
  });
  expect(published.status).toBe(201);
  const deployed = await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
    environment: "production",
    version: 1,
  });
  expect(deployed.status).toBe(201);
}

/** Waits until the background trace writer has stored the trace with this id. */
async function traceOf(server: TestServer, id: string) {
  await server.services.traceWriter.flush();
  const found = await server.call<Loose>("GET", `/api/v1/traces/${id}`);
  expect(found.status).toBe(200);
  return found.body;
}

describe.each(testEngines())("gateway (%s)", (kind) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let anthropic: FakeUpstream;
  let openai: OpenAI;
  /** The key of the `stale` connection, which the upstream refuses. */
  const wrongKey = "sk-wrong-key-0123456789abcdefghij";

  beforeAll(async () => {
    server = await startTestServer(kind);
    upstream = await startFakeOpenAI({ requireKey: "sk-upstream-secret-1234" });
    anthropic = await startFakeAnthropic({ requireKey: "sk-ant-test-key-5678" });
    const connections = [
      {
        name: "local",
        kind: "openai",
        baseUrl: upstream.url,
        apiKey: "sk-upstream-secret-1234",
        maxRetries: 1,
        timeoutMs: 5000,
      },
      { name: "claude", kind: "anthropic", baseUrl: anthropic.url, apiKey: "sk-ant-test-key-5678" },
      { name: "stale", kind: "openai", baseUrl: upstream.url, apiKey: wrongKey, maxRetries: 0 },
    ];
    for (const connection of connections) {
      expect((await server.call("POST", "/api/v1/providers", connection)).status).toBe(201);
    }
    await publishAndDeploy(server, "support/refund-agent", {
      type: "chat",
      messages: [{ role: "system", content: "You help {{customer}} with refunds." }],
      variables: { customer: { type: "string", required: true } },
      config: { provider: "local", model: "gpt-4o-mini", temperature: 0.3, maxTokens: 200 },
    });
    await publishAndDeploy(server, "support/claude-agent", {
      type: "chat",
      messages: [{ role: "system", content: "Be brief." }],
      config: { provider: "claude", model: "claude-3-5-haiku-20241022", maxTokens: 100 },
    });
    openai = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.stop();
    await upstream.close();
    await anthropic.close();
  });

  it("compiles a managed prompt, applies its config and returns the provider's answer", async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model: "prompt:support/refund-agent",
        messages: [{ role: "user", content: "Where is my refund?" }],
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { variables: { customer: "Ada" }, userId: "user-42", sessionId: "s-1" },
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: Where is my refund?");
    const sent = upstream.requests.at(-1)?.body;
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.temperature).toBe(0.3);
    expect(sent.max_tokens).toBe(200);
    expect(sent.messages).toEqual([
      { role: "system", content: "You help Ada with refunds." },
      { role: "user", content: "Where is my refund?" },
    ]);
    expect(sent.promptline).toBeUndefined();
    expect(upstream.requests.at(-1)?.headers.authorization).toBe("Bearer sk-upstream-secret-1234");

    const traceId = response.headers.get("x-promptline-trace-id") as string;
    const trace = await traceOf(server, traceId);
    expect(trace.prompt).toEqual({ name: "support/refund-agent", version: 1, label: "production" });
    expect(trace.provider).toBe("local");
    expect(trace.model).toBe("gpt-4o-mini");
    expect(trace.userId).toBe("user-42");
    expect(trace.sessionId).toBe("s-1");
    expect(trace.status).toBe("ok");
    expect(trace.usage.inputTokens).toBe(data.usage?.prompt_tokens);
    expect(trace.usage.outputTokens).toBe(data.usage?.completion_tokens);
    // gpt-4o-mini's default price: $0.15 in, $0.60 out per million tokens.
    const expected =
      ((data.usage?.prompt_tokens ?? 0) * 0.15 + (data.usage?.completion_tokens ?? 0) * 0.6) / 1e6;
    expect(trace.cost).toBeCloseTo(expected, 12);
    expect(trace.input).toEqual(sent.messages);
    expect(trace.output).toMatchObject([
      { role: "assistant", content: "echo: Where is my refund?" },
    ]);
  });

  it("streams chunk by chunk and records the streamed call with usage and time to first token", async () => {
    const stream = await openai.chat.completions
      .create({
        model: "prompt:support/refund-agent@production",
        stream: true,
        messages: [{ role: "user", content: "Tell me about my refund status please" }],
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { variables: { customer: "Bo" } },
      })
      .withResponse();
    const pieces: string[] = [];
    for await (const chunk of stream.data) {
      // Usage-only chunks were not asked for, so none reach the client.
      expect(chunk.choices.length).toBe(1);
      pieces.push(chunk.choices[0]?.delta.content ?? "");
    }
    expect(pieces.filter((p) => p !== "").length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe("echo: Tell me about my refund status please");
    const trace = await traceOf(
      server,
      stream.response.headers.get("x-promptline-trace-id") as string,
    );
    expect(trace.metadata.stream).toBe(true);
    expect(trace.usage.outputTokens).toBeGreaterThan(0);
    expect(trace.timeToFirstTokenMs).not.toBeNull();
    expect(trace.output).toEqual([
      { role: "assistant", content: "echo: Tell me about my refund status please" },
    ]);
  });

  it("takes the prompt from X-Promptline-* headers, for clients that cannot add body fields", async () => {
    const { response } = await openai.chat.completions
      .create(
        { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
        {
          headers: {
            "X-Promptline-Prompt": "support/refund-agent#1",
            "X-Promptline-Variables": JSON.stringify({ customer: "Cy" }),
          },
        },
      )
      .withResponse();
    const sent = upstream.requests.at(-1)?.body;
    expect(sent.model).toBe("gpt-4o");
    expect(sent.messages[0]).toEqual({ role: "system", content: "You help Cy with refunds." });
    const trace = await traceOf(server, response.headers.get("x-promptline-trace-id") as string);
    expect(trace.prompt).toEqual({ name: "support/refund-agent", version: 1, label: null });
  });

  it("speaks to Anthropic's Messages API and answers in the OpenAI shape", async () => {
    const completion = await openai.chat.completions.create({
      model: "prompt:support/claude-agent",
      messages: [{ role: "user", content: "Refund?" }],
    });
    const sent = anthropic.requests.at(-1);
    expect(sent?.path).toBe("/v1/messages");
    expect(sent?.body.system).toBe("Be brief.");
    expect(sent?.body.max_tokens).toBe(100);
    expect(sent?.headers["x-api-key"]).toBe("sk-ant-test-key-5678");
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toContain("Refund?");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);

    const streamed = await openai.chat.completions.create({
      model: "prompt:support/claude-agent",
      stream: true,
      messages: [{ role: "user", content: "Stream it" }],
    });
    let text = "";
    for await (const chunk of streamed) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("Stream it");
  });

  it("retries a rate-limited provider and reports a failing one by name, status and error type", async () => {
    upstream.failNext(1, 429, { retryAfter: "0" });
    const ok = await openai.chat.completions.create({
      model: "prompt:support/refund-agent",
      messages: [{ role: "user", content: "again" }],
      // @ts-expect-error promptline's extension rides along in the body
      promptline: { variables: { customer: "Di" } },
    });
    expect(ok.choices[0]?.message.content).toBe("echo: again");

    upstream.failNext(2, 503, {
      body: { error: { message: "overloaded, try later", type: "server_error" } },
    });
    const failure = await openai.chat.completions
      .create({
        model: "prompt:support/refund-agent",
        messages: [{ role: "user", content: "fail" }],
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { variables: { customer: "Di" } },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((failure as Error).message).toContain(
      "provider 'local' answered 503: the provider failed (type: server_error)",
    );
    expect((failure as Error).message).not.toContain("overloaded");
    await server.services.traceWriter.flush();
    const errors = await server.call<{ items: Array<{ error: string }> }>(
      "GET",
      "/api/v1/traces?status=error&prompt=support%2Frefund-agent",
    );
    expect(errors.body.items[0]?.error).toBe(
      "provider 'local' answered 503: the provider failed (type: server_error)",
    );
  });

  it("shows the calls per version next to the deployments that changed it", async () => {
    const name = uniqueName("support/counted-agent");
    await publishAndDeploy(server, name, {
      type: "chat",
      messages: [{ role: "system", content: "Count me." }],
      config: { provider: "local", model: "gpt-4o-mini" },
    });
    const ask = () =>
      openai.chat.completions
        .create({ model: `prompt:${name}`, messages: [{ role: "user", content: "hi" }] })
        .catch((error: unknown) => error);
    for (const _ of [1, 2, 3]) expect(await ask()).not.toBeInstanceOf(Error);
    upstream.failNext(2, 503);
    expect(await ask()).toBeInstanceOf(OpenAI.APIError);
    await server.services.traceWriter.flush();
    const metrics = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?prompt=${enc(name)}&bucket=hour`,
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body.versions[0].version).toBe(1);
    expect(metrics.body.versions[0].calls).toBe(4);
    expect(metrics.body.versions[0].errors).toBe(1);
    expect(metrics.body.deployments).toEqual([
      expect.objectContaining({ environment: "production", kind: "deploy", toVersion: 1 }),
    ]);
  });

  it("marks playground runs, which the metrics leave out unless asked and the list can filter", async () => {
    const name = uniqueName("support/tried-agent");
    await publishAndDeploy(server, name, {
      type: "chat",
      messages: [{ role: "system", content: "Try me." }],
      config: { provider: "local", model: "gpt-4o-mini" },
    });
    const messages = [{ role: "user", content: "hi" }];
    const tried = await server.call<Loose>("POST", "/v1/chat/completions", {
      model: `prompt:${name}`,
      messages,
      promptline: { origin: "playground" },
    });
    expect(tried.status).toBe(200);
    await openai.chat.completions.create({ model: `prompt:${name}`, messages });
    await server.services.traceWriter.flush();

    const metrics = (origin: string) =>
      server.call<Loose>("GET", `/api/v1/metrics/versions?prompt=${enc(name)}${origin}`);
    expect((await metrics("")).body.versions[0].calls).toBe(1);
    expect((await metrics("&origin=all")).body.versions[0].calls).toBe(2);
    expect((await metrics("&origin=playground")).body.versions[0].calls).toBe(1);
    const list = (origin: string) =>
      server.call<Loose>("GET", `/api/v1/traces?prompt=${enc(name)}${origin}`);
    const all = (await list("")).body.items.map((t: Loose) => t.origin);
    expect(all.sort()).toEqual(["playground", "production"]);
    expect((await list("&origin=playground")).body.items).toEqual([
      expect.objectContaining({ id: tried.headers.get("x-promptline-trace-id") }),
    ]);
    expect((await list("&origin=elsewhere")).status).toBe(400);
  });

  it("never passes the connection's key on when the provider refuses it", async () => {
    const refused = await openai.chat.completions
      .create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { provider: "stale" },
      })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    // The provider refusing the connection's key is not the caller's key being wrong.
    expect(refused.status).toBe(502);
    expect(refused.message).toContain(
      "provider 'stale' answered 401: the provider refused the connection's key",
    );
    expect(JSON.stringify(refused)).not.toContain(wrongKey.slice(10, 18));
    const traceId = refused.headers?.get("x-promptline-trace-id") as string;
    const trace = await traceOf(server, traceId);
    expect(trace.status).toBe("error");
    expect(trace.error).toContain("answered 401");
    expect(trace.error).not.toContain(wrongKey.slice(10, 18));
  });

  it("stores a trace even when the caller's fields hold NUL characters, as U+FFFD", async () => {
    const { response } = await openai.chat.completions
      .create({
        model: "prompt:support/refund-agent",
        messages: [{ role: "user", content: "nul \u0000 inside" }],
        user: "user\u0000with-nul",
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { variables: { customer: "Ed" } },
      })
      .withResponse();
    const trace = await traceOf(server, response.headers.get("x-promptline-trace-id") as string);
    expect(trace.userId).toBe("user\uFFFDwith-nul");
    expect(trace.input.at(-1)).toEqual({ role: "user", content: "nul \uFFFD inside" });
  });

  it("runs the unpublished draft with @draft, traced without a version", async () => {
    await server.call("PUT", `/api/v1/prompts/${enc("support/refund-agent")}/draft`, {
      type: "chat",
      messages: [{ role: "system", content: "Draft: help {{customer}}." }],
      variables: { customer: { type: "string", required: true } },
      config: { provider: "local", model: "gpt-4o-mini" },
    });
    const { response } = await openai.chat.completions
      .create({
        model: "prompt:support/refund-agent@draft",
        messages: [{ role: "user", content: "draft run" }],
        // @ts-expect-error promptline's extension rides along in the body
        promptline: { variables: { customer: "Flo" } },
      })
      .withResponse();
    expect(upstream.requests.at(-1)?.body.messages[0]).toEqual({
      role: "system",
      content: "Draft: help Flo.",
    });
    const trace = await traceOf(server, response.headers.get("x-promptline-trace-id") as string);
    expect(trace.prompt).toEqual({ name: "support/refund-agent", version: null, label: "draft" });
  });

  it("refuses bad requests with a message that says what to fix", async () => {
    const missingVariable = await openai.chat.completions
      .create({ model: "prompt:support/refund-agent", messages: [] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(missingVariable.status).toBe(400);
    expect(missingVariable.message).toContain("customer");

    const unknownPrompt = await openai.chat.completions
      .create({ model: "prompt:nope", messages: [] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(unknownPrompt.status).toBe(404);
    expect(unknownPrompt.message).toContain("nope");

    const badRef = await openai.chat.completions
      .create({ model: "prompt:bad name!", messages: [] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(badRef.status).toBe(400);

    const noProvider = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(noProvider.status).toBe(400);
    expect(noProvider.message).toContain("several provider connections (claude, local, stale)");

    const badKey = new OpenAI({ apiKey: "pl_wrong", baseURL: `${server.url}/v1`, maxRetries: 0 });
    const unauthorized = await badKey.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(unauthorized.status).toBe(401);
  });
});
