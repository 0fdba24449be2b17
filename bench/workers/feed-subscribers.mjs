// Change-feed subscribers for the soak: each holds GET /api/v1/changes open, drops it at a random
// moment and reconnects with the Last-Event-ID it last saw, as an SDK does after a network blip.
// Plain node:http, one socket each, many per process. Driven over IPC:
//   → {start: {url, key, count, rampMs, lifetimeMs: [min, max]}}   ← {ready: connected}
//   → {stop: true}   ← {done: {tally, connectMs, subscribers: [[firstId, lastId, seen]], ids}}
import http from "node:http";
import { outcomeOf, Tally } from "./outcomes.mjs";

/** Longer than the server's heartbeat (15 s by default): silence this long means it is stuck. */
const SILENCE_MS = 35_000;
/** The SSE `retry:` the server sends: how long a client waits before reconnecting. */
const RECONNECT_MS = 1000;

const tally = new Tally();
const connectMs = [];
const ids = new Set();
let settings;
let stopping = false;
const between = ([min, max]) => min + Math.random() * (max - min);

/** A subscriber: its cursor and what it saw, and a counter that retires superseded connections. */
function subscriber(_, i) {
  // One in ten resumes from the start of the log, as an SDK does with the cursor it kept from
  // before a restart: catching up through the log is part of the load, not only the live tail.
  const lastId = i % 10 === 0 ? 0 : undefined;
  return { attempt: 0, firstId: undefined, lastId, seen: 0, req: undefined };
}

function connect(sub, onFirst) {
  if (stopping) return;
  const attempt = ++sub.attempt;
  const current = () => attempt === sub.attempt && !stopping;
  const headers = { authorization: `Bearer ${settings.key}`, accept: "text/event-stream" };
  if (sub.lastId !== undefined) headers["last-event-id"] = String(sub.lastId);
  const t0 = performance.now();
  // The stream ended without this side asking: count why, and come back as a client would.
  const lost = (outcome, waitMs = RECONNECT_MS) => {
    if (!current()) return;
    sub.attempt++;
    sub.req?.destroy();
    const age = Math.round(performance.now() - t0);
    tally.add("stream", outcome, false, `${age} ms after asking, last event ${sub.lastId}`);
    setTimeout(() => connect(sub, onFirst), waitMs);
  };
  const req = http.request(`${settings.url}/api/v1/changes`, {
    headers,
    agent: false,
    timeout: SILENCE_MS,
  });
  sub.req = req;
  req.on("timeout", () => lost("silent for 35 s"));
  let answered = false;
  req.on("error", (error) =>
    lost(`${error.code ?? error.message} ${answered ? "mid-stream" : "before an answer"}`),
  );
  req.on("response", (res) => {
    if (!current()) return res.destroy();
    answered = true;
    if (res.statusCode !== 200) {
      const retryAfter = Number(res.headers["retry-after"]) * 1000 || RECONNECT_MS;
      const outcome = outcomeOf({ status: res.statusCode, headers: res.headers });
      return lost(`subscribe answered ${outcome}`, retryAfter);
    }
    connectMs.push(performance.now() - t0);
    tally.add("subscribe", "200", true);
    onFirst?.();
    onFirst = undefined;
    const dropTimer = setTimeout(() => {
      sub.attempt++;
      req.destroy();
      setTimeout(() => connect(sub), between([0, RECONNECT_MS]));
    }, between(settings.lifetimeMs));
    let tail = "";
    res.setEncoding("utf8");
    res.on("data", (text) => {
      const lines = (tail + text).split("\n");
      tail = lines.pop();
      for (const line of lines) if (line.startsWith("id: ")) sawEvent(sub, Number(line.slice(4)));
    });
    res.on("close", () => {
      clearTimeout(dropTimer);
      lost("ended by the server");
    });
  });
  req.end();
}

function sawEvent(sub, id) {
  if (sub.lastId !== undefined && id <= sub.lastId) {
    tally.add("stream", "event repeated or out of order", false, `${id} after ${sub.lastId}`);
    return;
  }
  sub.firstId ??= id;
  sub.lastId = id;
  sub.seen++;
  ids.add(id);
}

let subscribers = [];

process.on("message", async (message) => {
  if (message.start) {
    settings = message.start;
    subscribers = Array.from({ length: settings.count }, subscriber);
    let connected = 0;
    const ready = new Promise((resolve) => {
      const onFirst = () => ++connected === settings.count && resolve();
      for (const [i, sub] of subscribers.entries()) {
        setTimeout(() => connect(sub, onFirst), (i * settings.rampMs) / settings.count);
      }
      // Ready anyway a while after the ramp: a stuck server is the soak's finding, not a hang.
      setTimeout(resolve, settings.rampMs + 10_000);
    });
    await ready;
    process.send({ ready: connected });
  } else if (message.stop) {
    stopping = true;
    for (const sub of subscribers) sub.req?.destroy();
    process.send(
      {
        done: {
          tally,
          connectMs,
          subscribers: subscribers.map((s) => [s.firstId, s.lastId, s.seen]),
          ids: [...ids],
        },
      },
      () => process.disconnect(),
    );
  }
});

// The channel closes when this worker is done, or when the soak process went away: stop either way.
process.on("disconnect", () => process.exit(0));
