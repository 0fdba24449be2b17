// Summarises a V8 .cpuprofile (from BENCH_PROFILE=DIR node bench/run.mjs …): where the server's
// CPU time went, by function (self and inclusive) and by module.
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 30] [--match text]
// --match keeps the inclusive table to functions whose name or file contains the text.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && a.endsWith(".cpuprofile"));
if (!file) {
  console.error("usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--match text]");
  process.exit(2);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const top = Number(option("--top", 30));
const match = option("--match", undefined);

const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time per sample: the delta to the next sample (V8's own accounting).
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}
const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
// Percentages are of busy time: the server idles while a benchmark measures its baseline.
const idleIds = profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id);
const total = all - idleIds.reduce((sum, id) => sum + (selfUs.get(id) ?? 0), 0);

const where = (frame) => {
  const url = frame.url.replace(/^file:\/\//, "");
  const short = url
    .replace(/^.*\/node_modules\//, "npm:")
    .replace(/^.*\/packages\//, "")
    .replace(/^node:/, "node:");
  return short ? `${short}:${frame.lineNumber + 1}` : "";
};
const key = (frame) => `${frame.functionName || "(anonymous)"} ${where(frame)}`.trim();
const moduleOf = (frame) => {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm) return `npm:${npm[1]}`;
  const own = /packages\/([^/]+)\/(?:dist|src)\/(.+?)\.[jt]s$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith("node:")) return url;
  return url.replace(/^file:\/\/.*\/bench\//, "bench/");
};

const self = new Map();
const inclusive = new Map();
const modules = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (idleIds.includes(id)) continue;
  self.set(key(node.callFrame), (self.get(key(node.callFrame)) ?? 0) + us);
  modules.set(moduleOf(node.callFrame), (modules.get(moduleOf(node.callFrame)) ?? 0) + us);
  // Each function once per stack, so recursion is not counted twice.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = key(byId.get(at).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const table = (title, map, filter = () => true) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
};
console.log(
  `${file}: ${(all / 1e6).toFixed(2)} s of samples, ${(total / 1e6).toFixed(2)} s busy (percentages are of busy time)`,
);
table("self time by module", modules);
table("self time by function", self);
table(
  "inclusive time by function",
  inclusive,
  (k) => !k.startsWith("(root)") && (match === undefined || k.includes(match)),
);
