// npm run bench: every benchmark, one after another (they share the machine's two cores).
import { benchGateway } from "./gateway.bench.mjs";
import { benchGetPrompt } from "./get-prompt.bench.mjs";
import { benchIngest } from "./ingest.bench.mjs";
import { benchPropagation } from "./propagation.bench.mjs";
import { benchResolve } from "./resolve.bench.mjs";

const benchmarks = {
  resolve: benchResolve,
  propagation: benchPropagation,
  "get-prompt": benchGetPrompt,
  gateway: benchGateway,
  ingest: benchIngest,
};
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    await run();
  } catch (error) {
    console.error(`${name}: ${error.stack ?? error}`);
    process.exit(1);
  }
}
