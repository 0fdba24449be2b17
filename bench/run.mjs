// npm run bench: every benchmark, one after another (they share the machine's two cores);
// npm run bench -- NAME…: only those named.
import { benchCliStartup } from "./cli-startup.bench.mjs";
import { benchEval } from "./eval.bench.mjs";
import { benchGateway } from "./gateway.bench.mjs";
import { benchGatewayRollout } from "./gateway-rollout.bench.mjs";
import { benchGetPrompt } from "./get-prompt.bench.mjs";
import { benchIngest } from "./ingest.bench.mjs";
import { benchPropagation } from "./propagation.bench.mjs";
import { benchResolve } from "./resolve.bench.mjs";
import { benchRollout } from "./rollout.bench.mjs";
import { benchSdkAssignment } from "./sdk-assignment.bench.mjs";
import { benchSoak } from "./soak.bench.mjs";
import { benchStart } from "./start.bench.mjs";

const only = process.argv.slice(2);
const benchmarks = {
  resolve: benchResolve,
  propagation: benchPropagation,
  "get-prompt": benchGetPrompt,
  "sdk-assignment": benchSdkAssignment,
  gateway: benchGateway,
  "gateway-rollout": benchGatewayRollout,
  ingest: benchIngest,
  "cli-startup": benchCliStartup,
  start: benchStart,
  eval: benchEval,
  rollout: benchRollout,
  // Ten minutes per engine when named; among all the others, 30 seconds per engine will do.
  soak: () => benchSoak(only.includes("soak") ? {} : { seconds: 30 }),
};
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    await run();
  } catch (error) {
    console.error(`${name}: ${error.stack ?? error}`);
    process.exit(1);
  }
}
