import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

type Page = { items: Array<Loose>; nextCursor: string | null };

const HOUR = 3_600_000;
const base = Date.parse("2026-11-20T00:00:00.000Z");
const at = (hours: number, ms = 0) => new Date(base + hours * HOUR + ms).toISOString();

/** A call of `version` of `prompt` at hour `h`, taking `latency` ms. */
function call(
  prompt: string,
  id: string,
  version: number,
  h: number,
  latency: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    startTime: at(h),
    endTime: at(h, latency),
    prompt: { name: prompt, version, label: "production" },
    provider: "openai",
    model: "gpt-4o",
    input: [{ role: "user", content: `question ${id}` }],
    output: [{ role: "assistant", content: `answer ${id}` }],
    usage: { inputTokens: 1000, outputTokens: 100 * version },
    userId: `user-${Number(id.slice(-1)) % 2}`,
    ...extra,
  };
}

/**
 * A test's own calls of a prompt of its own: three of version 1 (one failed) on November 20,
 * two of version 2 with feedback (one down, one up) a day later, and two malformed ones. `id`
 * gives a call's id from its suffix, `v1-0` for the first.
 */
function callsOfOwnPrompt() {
  const run = uniqueName("calls");
  const prompt = `support/${run}`;
  const id = (suffix: string) => `${run}-${suffix}`;
  const batch = [
    call(prompt, id("v1-0"), 1, 0, 100),
    call(prompt, id("v1-1"), 1, 1, 200),
    { startTime: "yesterday" },
    call(prompt, id("v1-3"), 1, 2, 300, { status: "error", error: "timeout" }),
    call(prompt, id("v2-4"), 2, 25, 400, { scores: [{ name: "feedback", value: false }] }),
    call(prompt, id("v2-5"), 2, 26, 500, { usage: { inputTokens: -1 } }),
    call(prompt, id("v2-6"), 2, 27, 600, { scores: [{ value: true, comment: "great" }] }),
  ];
  return { prompt, id, batch };
}

describe.each(testEngines())("traces (%s)", (kind) => {
  let server: TestServer;

  /** Stores the calls of `callsOfOwnPrompt`, for tests about what is read back. */
  async function storedCalls() {
    const calls = callsOfOwnPrompt();
    const stored = await server.call<Loose>("POST", "/api/v1/traces", { traces: calls.batch });
    expect(stored.body.accepted).toBe(5);
    return calls;
  }

  beforeAll(async () => {
    server = await startTestServer(kind, undefined, { redact: "all" });
  });
  afterAll(() => server.stop());

  it("stores the valid traces of a batch, refuses the malformed ones with reasons, and computes cost", async () => {
    const { prompt, id, batch } = callsOfOwnPrompt();
    const result = await server.call<Loose>("POST", "/api/v1/traces", {
      traces: batch,
    });
    expect(result.status).toBe(200);
    expect(result.body.accepted).toBe(5);
    expect(result.body.ids).toEqual([id("v1-0"), id("v1-1"), id("v1-3"), id("v2-4"), id("v2-6")]);
    expect(result.body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 5]);
    expect(result.body.rejected[0].reasons.join()).toContain("startTime");
    expect(result.body.rejected[1].reasons.join()).toContain("usage.inputTokens");

    // Sent again (a client retry): stored once.
    const again = await server.call<Loose>("POST", "/api/v1/traces", {
      traces: batch,
    });
    expect(again.body.accepted).toBe(5);
    const all = await server.call<Page>("GET", `/api/v1/traces?prompt=${enc(prompt)}&limit=100`);
    expect(all.body.items).toHaveLength(5);

    const one = await server.call<Loose>("GET", `/api/v1/traces/${id("v1-0")}`);
    // gpt-4o default price: $2.50 in, $10 out per million tokens.
    expect(one.body.cost).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 12);
    expect(one.body.latencyMs).toBe(100);
    expect(one.body.usage.totalTokens).toBe(1100);
    expect(one.body.input).toEqual([{ role: "user", content: `question ${id("v1-0")}` }]);
  });

  it("filters by prompt version, status, user, time and score, newest first, page by page", async () => {
    const { prompt, id } = await storedCalls();
    // Each filter within this test's prompt: other tests' traces share the server.
    const ids = async (filter: string) =>
      (
        await server.call<Page>("GET", `/api/v1/traces?prompt=${enc(prompt)}&${filter}`)
      ).body.items.map((t) => t.id);
    expect(await ids("version=2")).toEqual([id("v2-6"), id("v2-4")]);
    expect(await ids("status=error")).toEqual([id("v1-3")]);
    expect(await ids("userId=user-0")).toEqual([id("v2-6"), id("v2-4"), id("v1-0")]);
    expect(await ids(`from=${at(1)}&to=${at(25)}`)).toEqual([id("v1-3"), id("v1-1")]);
    expect(await ids("scoreName=feedback&maxScore=0")).toEqual([id("v2-4")]);
    expect(await ids(`q=${enc(`ANSWER ${id("v1-1")}`)}`)).toEqual([id("v1-1")]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await server.call<Page>(
        "GET",
        `/api/v1/traces?prompt=${enc(prompt)}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.items.map((t) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([id("v2-6"), id("v2-4"), id("v1-3"), id("v1-1"), id("v1-0")]);

    expect((await server.call("GET", "/api/v1/traces?cursor=nonsense")).status).toBe(400);
    expect((await server.call("GET", "/api/v1/traces?from=tuesday")).status).toBe(400);
    expect((await server.call("GET", "/api/v1/traces/nope-not-there")).status).toBe(404);
  });

  it("attaches feedback to a trace after the fact", async () => {
    const { id } = await storedCalls();
    const score = await server.call<Loose>("POST", `/api/v1/traces/${id("v1-1")}/scores`, {
      value: true,
      comment: "mail me at ada@example.com",
    });
    expect(score.status).toBe(201);
    expect(score.body).toMatchObject({ name: "feedback", value: 1, source: "api" });
    // Redaction applies to what people type into feedback too.
    expect(score.body.comment).toBe("mail me at [REDACTED:email]");
    const detail = await server.call<Loose>("GET", `/api/v1/traces/${id("v1-1")}`);
    expect(detail.body.scores.map((s: { value: number }) => s.value)).toEqual([1]);
    const missing = await server.call("POST", "/api/v1/traces/trace-unknown/scores", { value: 1 });
    expect(missing.status).toBe(404);
    const bad = await server.call("POST", `/api/v1/traces/${id("v1-1")}/scores`, { value: "good" });
    expect(bad.status).toBe(400);
  });

  it("compares versions: calls, error rate, latency percentiles, tokens, cost, feedback and deployments", async () => {
    const { prompt, id } = await storedCalls();
    const score = await server.call("POST", `/api/v1/traces/${id("v1-1")}/scores`, { value: true });
    expect(score.status).toBe(201);
    const metrics = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?prompt=${enc(prompt)}&from=${at(-1)}&to=${at(48)}&bucket=day`,
    );
    expect(metrics.status).toBe(200);
    const [v1, v2] = metrics.body.versions;
    expect(v1).toMatchObject({ version: 1, calls: 3, errors: 1, latencyP50: 200, latencyP99: 300 });
    expect(v1.errorRate).toBeCloseTo(1 / 3, 10);
    expect(v1.scores).toEqual({ feedback: { count: 1, mean: 1 } });
    expect(v2).toMatchObject({ version: 2, calls: 2, errors: 0, outputTokens: 400 });
    expect(v2.scores).toEqual({ feedback: { count: 2, mean: 0.5 } });
    // v2 answers twice as long: its cost per call is higher.
    expect(v2.avgCostPerCall).toBeGreaterThan(v1.avgCostPerCall);
    expect(v1.series.map((s: { time: string }) => s.time)).toEqual(["2026-11-20T00:00:00.000Z"]);
    expect(v2.series.map((s: { time: string }) => s.time)).toEqual(["2026-11-21T00:00:00.000Z"]);
    expect(metrics.body.deployments).toEqual([]);

    const noPrompt = await server.call("GET", "/api/v1/metrics/versions");
    expect(noPrompt.status).toBe(400);
  });

  it("splits a rollout's calls by variant: control and candidate side by side, calls outside it apart", async () => {
    const run = uniqueName("rollout");
    const prompt = `support/${run}`;
    const traces = [
      call(prompt, `${run}-0`, 1, 0, 100, { variant: "control" }),
      call(prompt, `${run}-1`, 1, 0, 300, { variant: "control", status: "error" }),
      call(prompt, `${run}-2`, 2, 0, 200, {
        variant: "candidate",
        scores: [{ name: "feedback", value: true }],
      }),
      call(prompt, `${run}-3`, 1, 1, 50),
    ];
    expect((await server.call<Loose>("POST", "/api/v1/traces", { traces })).body.accepted).toBe(4);
    const range = `prompt=${enc(prompt)}&from=${at(-1)}&to=${at(2)}&bucket=hour`;
    const split = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?${range}&groupBy=variant`,
    );
    expect(split.status).toBe(200);
    expect(split.body.groupBy).toBe("variant");
    const rows = split.body.versions.map((v: Loose) => [v.version, v.variant, v.calls, v.errors]);
    expect(rows).toEqual([
      [1, "control", 2, 1],
      [1, null, 1, 0],
      [2, "candidate", 1, 0],
    ]);
    expect(split.body.versions[2].scores).toEqual({ feedback: { count: 1, mean: 1 } });
    expect(split.body.versions[0].series).toHaveLength(1);

    // By version (the default), version 1 counts its calls whichever variant served them.
    const byVersion = await server.call<Loose>("GET", `/api/v1/metrics/versions?${range}`);
    expect(byVersion.body.groupBy).toBe("version");
    expect(byVersion.body.versions.map((v: Loose) => [v.version, v.calls, "variant" in v])).toEqual(
      [
        [1, 3, false],
        [2, 1, false],
      ],
    );
    const candidate = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?${range}&groupBy=variant&variant=candidate`,
    );
    expect(candidate.body.versions.map((v: Loose) => v.variant)).toEqual(["candidate"]);
    const unknown = await server.call<Loose>(
      "GET",
      `/api/v1/metrics/versions?${range}&groupBy=model`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain("groupBy");
  });

  it("redacts personal data before it is written", async () => {
    await server.call("POST", "/api/v1/traces", {
      traces: [
        {
          id: "trace-pii-1",
          startTime: at(3),
          input: [{ role: "user", content: "I'm bob@example.org, card 4242 4242 4242 4242" }],
          metadata: { phone: "+1 415 555 0100" },
        },
      ],
    });
    const row = await server.services.engine.db
      .selectFrom("traces")
      .select(["input", "metadata"])
      .where("id", "=", "trace-pii-1")
      .executeTakeFirstOrThrow();
    expect(row.input).toEqual([
      { role: "user", content: "I'm [REDACTED:email], card [REDACTED:card]" },
    ]);
    expect(row.metadata).toEqual({ phone: "[REDACTED:phone]" });
  });

  it("deletes traces older than the retention period", async () => {
    const fresh = new Date().toISOString();
    await server.call("POST", "/api/v1/traces", {
      traces: [{ id: "trace-fresh-1", startTime: fresh }],
    });
    // Everything from November 20 is past the 30-day default only once it is 30 days old:
    // what just started stays, a trace from 40 days ago goes.
    const old = new Date(Date.now() - 40 * 24 * HOUR).toISOString();
    await server.call("POST", "/api/v1/traces", {
      traces: [{ id: "trace-old-1", startTime: old }],
    });
    const deleted = await server.services.traces.applyRetention();
    expect(deleted.traces).toBeGreaterThanOrEqual(1);
    expect((await server.call("GET", "/api/v1/traces/trace-old-1")).status).toBe(404);
    expect((await server.call("GET", "/api/v1/traces/trace-fresh-1")).status).toBe(200);
  });

  it("refuses token counts beyond what is stored, and over-long metric ranges", async () => {
    const huge = await server.call<Loose>("POST", "/api/v1/traces", {
      traces: [{ startTime: at(0), usage: { inputTokens: 3_000_000_000 } }],
    });
    expect(huge.body.accepted).toBe(0);
    expect(huge.body.rejected[0].reasons.join()).toContain("usage.inputTokens");
    const range = await server.call<{ message: string }>(
      "GET",
      `/api/v1/metrics/versions?prompt=x&bucket=hour&from=${at(0)}&to=${at(24 * 40)}`,
    );
    expect(range.status).toBe(400);
    expect(range.body.message).toContain("at most 31 days");
  });

  it("refuses empty and oversized batches", async () => {
    expect((await server.call("POST", "/api/v1/traces", { traces: [] })).status).toBe(400);
    const many = Array.from({ length: 5001 }, (_, i) => ({ startTime: at(0, i) }));
    expect((await server.call("POST", "/api/v1/traces", { traces: many })).status).toBe(400);
  });
});
