// npm run bench: every benchmark, one after another (they share the machine's two cores).
import { benchResolve } from "./resolve.bench.mjs";

const benchmarks = { resolve: benchResolve };
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
