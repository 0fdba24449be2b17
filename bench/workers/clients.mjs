// A process holding many SDK clients, each subscribed to the change feed. Driven over IPC:
//   → {clients, baseUrl, apiKey, name}   ← {ready}
//   → {watch, name, version, context?}   ← {seen: [ms timestamps when each client served it]}
//   → {settle, name, rolloutId, version} ← {settled} once every client holds the rollout and
//                                           the candidate's content
import { createClient } from "../../packages/sdk/dist/index.js";

const now = () => performance.timeOrigin + performance.now();
let clients = [];

process.on("message", async (message) => {
  if (message.clients) {
    const { baseUrl, apiKey, name } = message;
    clients = Array.from({ length: message.clients }, () =>
      createClient({ baseUrl, apiKey, pollIntervalMs: 3_600_000, timeoutMs: 10_000 }),
    );
    await Promise.all(clients.map((c) => c.getPrompt(name)));
    while (!clients.every((c) => c.status().mode === "streaming"))
      await new Promise((r) => setTimeout(r, 20));
    // Let the catch-up refresh every client does on connecting settle before measuring.
    await new Promise((r) => setTimeout(r, 500));
    process.send({ ready: true });
  } else if (message.watch) {
    // Each client's own update notification stamps when it started serving the new version.
    const seen = new Array(clients.length).fill(0);
    let left = clients.length;
    let stops = [];
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      stops = clients.map((client, i) =>
        client.onUpdate((prompt) => {
          if (prompt.name !== message.name || seen[i] !== 0) return;
          // With a context: the version this caller is now assigned (a rollout's change).
          const served = message.context
            ? client.getCachedPrompt(message.name, { context: message.context })
            : prompt;
          if (served?.version !== message.version) return;
          seen[i] = now();
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        }),
      );
    });
    for (const stop of stops) stop();
    process.send({ seen });
  } else if (message.settle) {
    const { name, rolloutId, version } = message;
    const settled = (c) =>
      c.getCachedPrompt(name)?.rollout?.id === rolloutId && c.getCachedPrompt(name, { version });
    while (!clients.every(settled)) await new Promise((r) => setTimeout(r, 20));
    process.send({ settled: true });
  } else if (message.close) {
    await Promise.all(clients.map((c) => c.close()));
    process.exit(0);
  }
});
