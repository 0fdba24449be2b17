import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeUpstream, readChunks, startFakeOpenAI } from "../../test-support/fake-openai.js";
import { type CallOptions, callProvider, retryDelayMs } from "./call.js";
import { ProviderError, type ProviderTarget } from "./types.js";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.setDelay(0));

function openai(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return {
    name: "flaky",
    kind: "openai",
    baseUrl: upstream.url,
    apiKey: "sk-secret-never-shown",
    apiKeyHeader: null,
    timeoutMs: 5_000,
    maxRetries: 2,
    ...overrides,
  };
}

const body = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

/** Options that record the waits instead of waiting. */
function recordedWaits(): { waits: number[]; options: CallOptions } {
  const waits: number[] = [];
  return {
    waits,
    options: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${error}`);
  return error;
}

describe("retries", () => {
  it("waits as long as a 429's Retry-After asks, then succeeds", async () => {
    const { waits, options } = recordedWaits();
    const sentBefore = upstream.requests.length;
    upstream.failNext(1, 429, { retryAfter: "2" });

    const response = await callProvider(openai(), body, options);

    expect(response.status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(upstream.requests.length - sentBefore).toBe(2);
  });

  it("backs off exponentially with jitter through two 503s", async () => {
    const { waits, options } = recordedWaits();
    upstream.failNext(2, 503);

    const response = await callProvider(openai(), body, { ...options, backoffBaseMs: 100 });

    expect(response.status).toBe(200);
    expect(waits).toEqual([50, 100]);
  });

  it("does not retry a 400, and says so in its own words with the error's identifiers", async () => {
    const { waits, options } = recordedWaits();
    const sentBefore = upstream.requests.length;
    upstream.failNext(1, 400, {
      body: {
        error: { message: "Invalid value for 'temperature'.", type: "invalid_request_error" },
      },
    });

    const failure = await failureOf(callProvider(openai(), body, options));

    expect(failure).toMatchObject({
      kind: "http",
      status: 400,
      message:
        "provider 'flaky' answered 400: the provider refused the request (type: invalid_request_error)",
    });
    expect(waits).toEqual([]);
    expect(upstream.requests.length - sentBefore).toBe(1);
  });

  it("gives up after maxRetries with the last status", async () => {
    const { waits, options } = recordedWaits();
    const sentBefore = upstream.requests.length;
    upstream.failNext(3, 502, { body: "Bad Gateway" });

    const failure = await failureOf(callProvider(openai(), body, options));

    expect(failure).toMatchObject({
      kind: "http",
      status: 502,
      message: "provider 'flaky' answered 502: the provider failed",
    });
    expect(waits).toHaveLength(2);
    expect(upstream.requests.length - sentBefore).toBe(3);
  });

  it("fails at once when the provider asks for a longer wait than the cap", async () => {
    const { waits, options } = recordedWaits();
    upstream.failNext(1, 529, { retryAfter: "60" });

    const failure = await failureOf(callProvider(openai(), body, options));

    expect(failure.status).toBe(529);
    expect(waits).toEqual([]);
  });
});

describe("retryDelayMs", () => {
  const policy = {
    now: Date.UTC(2026, 0, 1),
    random: () => 1,
    backoffBaseMs: 500,
    maxBackoffMs: 20_000,
  };

  it("prefers retry-after-ms, then Retry-After in seconds or as a date", () => {
    expect(retryDelayMs({ "retry-after-ms": "250", "retry-after": "9" }, 0, policy)).toBe(250);
    expect(retryDelayMs({ "retry-after": "1.5" }, 0, policy)).toBe(1500);
    const inThreeSeconds = new Date(policy.now + 3000).toUTCString();
    expect(retryDelayMs({ "retry-after": inThreeSeconds }, 0, policy)).toBe(3000);
  });

  it("doubles the backoff ceiling per attempt up to the cap", () => {
    expect([0, 1, 2, 6].map((attempt) => retryDelayMs({}, attempt, policy))).toEqual([
      500, 1000, 2000, 20_000,
    ]);
    expect(retryDelayMs({ "retry-after": "garbage" }, 1, { ...policy, random: () => 0.25 })).toBe(
      250,
    );
  });
});

describe("timeouts and unreachable providers", () => {
  it("times out a slow answer, retrying it first", async () => {
    const { waits, options } = recordedWaits();
    const sentBefore = upstream.requests.length;
    upstream.setDelay(1_000);

    const failure = await failureOf(
      callProvider(openai({ timeoutMs: 50, maxRetries: 1 }), body, options),
    );

    expect(failure).toMatchObject({
      kind: "timeout",
      status: null,
      message: "provider 'flaky' did not answer within 50 ms",
    });
    expect(waits).toHaveLength(1);
    expect(upstream.requests.length - sentBefore).toBe(2);
  });

  it("ends a stream that goes silent with an error event", async () => {
    upstream.setDelay(1_000);
    const response = await callProvider(openai({ timeoutMs: 50, maxRetries: 0 }), {
      ...body,
      stream: true,
    });

    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    expect(data.map((text) => JSON.parse(text))).toEqual([
      {
        error: { message: "provider 'flaky' did not answer within 50 ms", type: "provider_error" },
      },
    ]);
    expect(await response.outcome).toMatchObject({
      status: "error",
      error: "provider 'flaky' did not answer within 50 ms",
    });
  });

  it("reports a refused connection as a network failure without the key", async () => {
    const { waits, options } = recordedWaits();
    const port = await unusedPort();

    const failure = await failureOf(
      callProvider(openai({ baseUrl: `http://127.0.0.1:${port}/v1` }), body, options),
    );

    expect(failure.kind).toBe("network");
    expect(failure.status).toBeNull();
    expect(failure.message).toBe("provider 'flaky' could not be reached: ECONNREFUSED");
    expect(failure.message).not.toContain("sk-secret-never-shown");
    expect(waits).toHaveLength(2);
  });
});

describe("a consumer that stops reading early", () => {
  it("closes the upstream stream, and the outcome still settles with what arrived", async () => {
    upstream.setDelay(20);
    const abandonedBefore = upstream.abandonedStreams;
    const response = await callProvider(openai(), { ...body, stream: true });

    if (!response.stream) throw new Error("expected a stream");
    const seen: string[] = [];
    for await (const item of response.chunks) {
      seen.push(item);
      if (seen.length === 2) break;
    }

    expect(await response.outcome).toMatchObject({
      status: "error",
      error: "the client stopped reading before the stream ended",
      output: [{ role: "assistant", content: "echo: " }],
    });
    await vi.waitFor(() => expect(upstream.abandonedStreams).toBe(abandonedBefore + 1));
  });

  it("hangs up at once when it stops while a read is still waiting for the provider", async () => {
    // Far longer than the test may take: only hanging up on return() lets the test finish.
    upstream.setDelay(20_000);
    const abandonedBefore = upstream.abandonedStreams;
    const response = await callProvider(openai(), { ...body, stream: true });

    if (!response.stream) throw new Error("expected a stream");
    const iterator = response.chunks[Symbol.asyncIterator]();
    const pendingRead = iterator.next();
    await iterator.return?.();

    expect(await pendingRead).toEqual({ done: true, value: undefined });
    expect((await response.outcome).error).toBe(
      "the client stopped reading before the stream ended",
    );
    await vi.waitFor(() => expect(upstream.abandonedStreams).toBe(abandonedBefore + 1));
  }, 5_000);

  it("settles the outcome even when it never started reading", async () => {
    const response = await callProvider(openai(), { ...body, stream: true });

    if (!response.stream) throw new Error("expected a stream");
    await response.chunks[Symbol.asyncIterator]().return?.();

    expect(await response.outcome).toMatchObject({ status: "error", output: [] });
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("answers too large to hold", () => {
  /** An upstream that streams `total` bytes of junk with `status`, counting what it got to send. */
  async function hugeAnswer(status: number, total: number) {
    const { createServer: createHttpServer } = await import("node:http");
    const sent = { bytes: 0, cut: false };
    const chunk = Buffer.alloc(64 * 1024, "x");
    const server = createHttpServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.on("close", () => {
        sent.cut = sent.bytes < total;
      });
      const pump = () => {
        while (sent.bytes < total && !res.destroyed) {
          sent.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, sent, close: () => server.close() };
  }

  it("reads only the start of a huge failed answer, and still reports the failure", async () => {
    const huge = await hugeAnswer(500, 64 * 1024 * 1024);
    try {
      const failure = await failureOf(
        callProvider(openai({ baseUrl: huge.url, maxRetries: 0 }), body),
      );
      expect(failure.status).toBe(500);
      await expect.poll(() => huge.sent.cut).toBe(true);
      expect(huge.sent.bytes).toBeLessThan(16 * 1024 * 1024);
    } finally {
      huge.close();
    }
  });

  it("refuses a successful answer past the size it may hold, naming the limit", async () => {
    const huge = await hugeAnswer(200, 48 * 1024 * 1024);
    try {
      const failure = await failureOf(
        callProvider(openai({ baseUrl: huge.url, maxRetries: 0 }), body),
      );
      expect(failure.message).toBe(
        "provider 'flaky' answered with more than 32 MiB: the server reads at most 32 MiB of an answer",
      );
      await expect.poll(() => huge.sent.cut).toBe(true);
    } finally {
      huge.close();
    }
  });
});
