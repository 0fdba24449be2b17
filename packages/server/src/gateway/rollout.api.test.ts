import { assignVersion } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeOpenAI } from "../test-support/fake-openai.js";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import {
  type AssignmentCase,
  casesByRollout,
  contentNaming,
  promptWithVersions,
  startVectorRollout,
} from "../test-support/rollouts.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

const KEY = "sk-upstream-rollout-1234";
const CONFIG = { provider: "local", model: "gpt-4o-mini" };

describe.each(testEngines())("where assignment happens: the gateway (%s)", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;

  /** A gateway call; its trace id, and the system message the provider was sent. */
  async function complete(body: Loose, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify({
        messages: [{ role: "user", content: "Where is my refund?" }],
        ...body,
      }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return {
      traceId: response.headers.get("x-promptline-trace-id") as string,
      text,
      system: upstream.requests.at(-1)?.body.messages[0].content as string,
    };
  }

  async function traces(ids: string[]): Promise<Loose[]> {
    await server.services.traceWriter.flush();
    return Promise.all(
      ids.map(async (id) => {
        const found = await server.call<Loose>("GET", `/api/v1/traces/${id}`);
        expect(found.status).toBe(200);
        return found.body;
      }),
    );
  }

  beforeAll(async () => {
    server = await startTestServer(engine);
    upstream = await startFakeOpenAI({ requireKey: KEY });
    const connection = { name: "local", kind: "openai", baseUrl: upstream.url, apiKey: KEY };
    expect((await server.call("POST", "/api/v1/providers", connection)).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it("calls each shared vector's caller's assigned version and traces it with its variant, from context or user id", async () => {
    const calls: Array<{ c: AssignmentCase; how: string; traceId: string }> = [];
    for (const { rollout, cases } of casesByRollout()) {
      const name = uniqueName("vectors/gateway");
      const versions = Math.max(rollout.control, ...rollout.split.map((v) => v.version));
      await promptWithVersions(server, name, versions, rollout.control, contentNaming(CONFIG));
      await startVectorRollout(server, name, rollout);
      for (const c of cases) {
        const expected = assignVersion(rollout, c.context);
        expect(expected, c.name).toEqual(c.expected);
        const byContext = await complete({
          model: `prompt:${name}`,
          promptline: { context: c.context },
        });
        expect(byContext.system, c.name).toBe(`You are version ${c.expected.version}.`);
        calls.push({ c, how: "context", traceId: byContext.traceId });

        // The request's user id is the caller's userId, however the request names it.
        const { userId, ...rest } = c.context;
        if (rollout.unit !== "userId" || typeof userId !== "string" || userId === "") continue;
        const ways: Array<[string, Loose, Record<string, string>]> = [
          ["promptline.userId", { promptline: { prompt: name, userId, context: rest } }, {}],
          ["OpenAI's user", { user: userId, promptline: { prompt: name, context: rest } }, {}],
        ];
        if (/^[\x20-\x7e]+$/.test(userId)) {
          ways.push([
            "X-Promptline-User-Id",
            { promptline: { prompt: name } },
            { "x-promptline-user-id": userId, "x-promptline-context": JSON.stringify(rest) },
          ]);
        }
        for (const [how, body, headers] of ways) {
          const call = await complete({ model: "gpt-4o-mini", ...body }, headers);
          expect(call.system, `${c.name} by ${how}`).toBe(`You are version ${c.expected.version}.`);
          calls.push({ c, how, traceId: call.traceId });
        }
      }
    }
    const recorded = await traces(calls.map((call) => call.traceId));
    for (const [i, { c, how }] of calls.entries()) {
      const trace = recorded[i] as Loose;
      expect(trace.prompt.version, `${c.name} by ${how}`).toBe(c.expected.version);
      expect(trace.prompt.label, `${c.name} by ${how}`).toBe("production");
      const variant = c.expected.by === "no-unit" ? null : c.expected.variant;
      expect(trace.variant, `${c.name} by ${how}`).toBe(variant);
    }
    expect(calls.length).toBeGreaterThan(80);
  });

  it("streams the assigned version and traces the stream with its variant; a caller without a unit gets the control, in no variant", async () => {
    const name = uniqueName("support/streamed");
    await promptWithVersions(server, name, 2, 1, contentNaming(CONFIG));
    const started = await server.call("POST", `/api/v1/prompts/${enc(name)}/rollouts`, {
      environment: "production",
      strategy: "split",
      candidates: [{ version: 2, weight: 10_000 }],
    });
    expect(started.status).toBe(201);
    const streamed = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: `prompt:${name}`,
        stream: true,
        messages: [{ role: "user", content: "Stream it" }],
        promptline: { userId: "user-1" },
      }),
    });
    expect(streamed.status).toBe(200);
    const events = (await streamed.text()).split("\n").filter((l) => l.startsWith("data: {"));
    expect(events.length).toBeGreaterThan(1);
    expect(upstream.requests.at(-1)?.body.messages[0].content).toBe("You are version 2.");
    const anonymous = await complete({ model: `prompt:${name}` });
    expect(anonymous.system).toBe("You are version 1.");
    const [streamTrace, anonymousTrace] = await traces([
      streamed.headers.get("x-promptline-trace-id") as string,
      anonymous.traceId,
    ]);
    expect(streamTrace).toMatchObject({
      prompt: { name, version: 2, label: "production" },
      variant: "candidate",
      userId: "user-1",
      metadata: { stream: true },
    });
    expect(anonymousTrace).toMatchObject({ prompt: { version: 1 }, variant: null });
  });

  it("refuses a context over 4,096 characters of JSON, as the resolve and compile APIs do", async () => {
    const name = uniqueName("support/wide");
    await promptWithVersions(server, name, 1, 1, contentNaming(CONFIG));
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: `prompt:${name}`,
        messages: [{ role: "user", content: "Hello" }],
        promptline: { userId: "user-1", context: { notes: "x".repeat(5000) } },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("at most 4096 characters of JSON");
  });

  it("splits the rollout's calls by variant in the metrics, as assigned", async () => {
    const name = uniqueName("support/measured");
    await promptWithVersions(server, name, 2, 1, contentNaming(CONFIG));
    const started = await server.call("POST", `/api/v1/prompts/${enc(name)}/rollouts`, {
      environment: "production",
      strategy: "split",
      candidates: [{ version: 2, weight: 5000 }],
    });
    expect(started.status).toBe(201);
    const rollout = started.body;
    const expected = { control: 0, candidate: 0 };
    for (let u = 0; u < 30; u++) {
      await complete({ model: `prompt:${name}`, promptline: { userId: `user-${u}` } });
      expected[assignVersion(rollout, { userId: `user-${u}` }).variant]++;
    }
    await complete({ model: `prompt:${name}` });
    await server.services.traceWriter.flush();
    const metrics = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?prompt=${enc(name)}&bucket=hour&groupBy=variant`,
    );
    expect(metrics.status).toBe(200);
    expect(
      metrics.body.versions.map((v: Loose) => [v.version, v.variant, v.calls, v.errors]),
    ).toEqual([
      [1, "control", expected.control, 0],
      [1, null, 1, 0],
      [2, "candidate", expected.candidate, 0],
    ]);
    expect(expected.control).toBeGreaterThan(0);
    expect(expected.candidate).toBeGreaterThan(0);
  });
});
