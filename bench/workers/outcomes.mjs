// What the soak's load saw, classified: every answer is either what a healthy server gives (a 200
// where one is due, a 401 or a 429 with Retry-After for a bad key) or unexpected, and the first
// few unexpected ones are kept with their text, so a report says what went wrong, not only how
// often. Shared by the soak's workers and the process that probes /healthz.
import http from "node:http";

/** Unexpected answers kept to show: a few of each kind and outcome, so one flood hides no other. */
const SAMPLES = 30;
const SAMPLES_EACH = 3;

/**
 * One HTTP exchange on loopback: resolves with the status, headers and body, or with the error
 * code (`timeout` when the socket was silent for `timeoutMs`); never rejects. A reset of a kept-
 * alive socket is the server closing it as idle just as it was reused, before the request could
 * be read: that one is sent again, once (`retried` says so), as HTTP clients do.
 */
export function exchange(url, options, t0 = performance.now()) {
  const { agent, method = "GET", headers, body, timeoutMs = 10_000 } = options;
  return new Promise((resolve) => {
    const done = (answer) =>
      resolve({ ...answer, retried: options.retried === true, ms: performance.now() - t0 });
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () =>
        done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", (error) => done({ error: error.code ?? error.message }));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", (error) => {
      if (error.code === "ECONNRESET" && req.reusedSocket && !options.retried) {
        resolve(exchange(url, { ...options, retried: true }, t0));
      } else {
        done({ error: error.code ?? error.message });
      }
    });
    req.end(body);
  });
}

/** An answer's outcome: its status, or its error; a 429 or 503 that gives no Retry-After says so. */
export function outcomeOf(answer) {
  if (answer.error) return answer.error;
  const refused = answer.status === 429 || answer.status === 503;
  return refused && !answer.headers["retry-after"]
    ? `${answer.status} without Retry-After`
    : String(answer.status);
}

/** Counts outcomes per kind of request; `unexpected` and `samples` are what a healthy run lacks. */
export class Tally {
  counts = {};
  unexpected = 0;
  samples = [];

  add(kind, outcome, expected, detail = "") {
    this.count(kind, outcome, 1);
    if (expected) return;
    this.unexpected++;
    this.keep({ kind, outcome, detail: String(detail).slice(0, 300) });
  }

  keep(sample) {
    const alike = this.samples.filter(
      (s) => s.kind === sample.kind && s.outcome === sample.outcome,
    );
    if (this.samples.length < SAMPLES && alike.length < SAMPLES_EACH) this.samples.push(sample);
  }

  /** Counts an exchange's answer: expected when its outcome is one of `ok` (e.g. ["200"]). */
  check(kind, answer, ok) {
    if (answer.retried) this.count("sent again after a keep-alive reset", kind, 1);
    const outcome = outcomeOf(answer);
    this.add(kind, outcome, ok.includes(outcome), answer.body ?? "");
  }

  count(kind, outcome, n) {
    this.counts[kind] ??= {};
    this.counts[kind][outcome] = (this.counts[kind][outcome] ?? 0) + n;
  }

  /** Adds another tally's figures, as a worker sent them over IPC. */
  merge({ counts, unexpected, samples }) {
    for (const [kind, byOutcome] of Object.entries(counts)) {
      for (const [outcome, n] of Object.entries(byOutcome)) this.count(kind, outcome, n);
    }
    this.unexpected += unexpected;
    for (const sample of samples) this.keep(sample);
  }
}
