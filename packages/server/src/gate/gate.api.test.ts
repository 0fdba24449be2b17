import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insertDataset, insertRun } from "../test-support/eval-rows.js";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { openSse } from "../test-support/sse.js";

const STRICT = {
  requirements: [{ dataset: "", scorer: "exact", minMean: 0.8 }],
  noRegression: true,
};

describe.each(testEngines())("gates on %s", (engine) => {
  let server: TestServer;
  let editor: string;
  let viewer: string;
  /** Each test's own prompt (v1 1.0.0, v2 1.1.0: a minor bump) and dataset. */
  let name: string;
  let path: string;
  let dataset: string;
  /** Each test's own environment, unprotected so editors may deploy to it. */
  let env: string;

  const publish = (text: string, bump?: string) =>
    server.call("POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
      ...(bump && { bump }),
    });
  const deploy = (version: number, body: Record<string, unknown> = {}, key?: string) =>
    server.call("POST", `${path}/deployments`, { environment: env, version, ...body }, key);
  const setPolicy = (policy: unknown, environment = env, key?: string) =>
    server.call("PUT", `/api/v1/environments/${environment}/gate`, { policy }, key);
  const strict = () => ({
    minor: { ...STRICT, requirements: [{ ...STRICT.requirements[0], dataset }] },
  });
  const events = async (type: string) =>
    (await server.call("GET", `/api/v1/events?type=${type}&prompt=${enc(name)}`)).body.items;

  beforeAll(async () => {
    server = await startTestServer(engine);
    const key = async (role: string) =>
      (await server.call("POST", "/api/v1/api-keys", { name: role, role })).body.key;
    editor = await key("editor");
    viewer = await key("viewer");
  });
  beforeEach(async () => {
    name = uniqueName("support/refund-agent");
    path = `/api/v1/prompts/${enc(name)}`;
    expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
    expect((await publish("Refund politely.")).status).toBe(201);
    expect((await publish("Refund politely. Cite the policy.", "minor")).status).toBe(201);
    dataset = uniqueName("support/refunds");
    await insertDataset(server, dataset);
    env = uniqueName("gated");
    await server.call("POST", "/api/v1/environments", { name: env, protected: false });
  });
  afterAll(() => server?.stop());

  it("keeps one policy per environment: admins set and remove it, everyone reads it, events record it", async () => {
    expect(
      (await server.call("GET", `/api/v1/environments/${env}/gate`, undefined, viewer)).body,
    ).toMatchObject({ environment: env, policy: null });
    const set = await setPolicy(strict());
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ environment: env, updatedBy: "apikey:admin" });
    const read = await server.call("GET", `/api/v1/environments/${env}/gate`, undefined, viewer);
    expect(read.body.policy.minor.requirements[0]).toEqual({
      dataset,
      scorer: "exact",
      minMean: 0.8,
    });

    expect((await setPolicy(strict(), env, editor)).status).toBe(403);
    expect(
      (await server.call("DELETE", `/api/v1/environments/${env}/gate`, undefined, editor)).status,
    ).toBe(403);
    expect((await server.call("DELETE", `/api/v1/environments/${env}/gate`)).status).toBe(204);
    expect((await server.call("DELETE", `/api/v1/environments/${env}/gate`)).status).toBe(404);

    const log = (
      await server.call(
        "GET",
        `/api/v1/events?subject=${env}&type=gate.policy_set,gate.policy_removed`,
      )
    ).body.items;
    expect(log.map((e: { type: string }) => e.type)).toEqual([
      "gate.policy_removed",
      "gate.policy_set",
    ]);
  });

  it("refuses a policy naming a dataset that does not exist with a 422 naming it", async () => {
    const refused = await setPolicy({
      patch: { requirements: [{ dataset: "no/such-set", scorer: "exact" }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain("'no/such-set'");
    expect(refused.body.details).toEqual({ datasets: ["no/such-set"] });
    expect((await setPolicy({ major: { requirements: [], surprise: 1 } })).status).toBe(400);
    expect(
      (await server.call("PUT", "/api/v1/environments/nowhere/gate", { policy: {} })).status,
    ).toBe(404);
  });

  it("refuses a deploy the gate does not pass with 409, every unmet requirement and its numbers, and writes nothing but gate.failed", async () => {
    expect((await deploy(1)).status).toBe(201);
    await setPolicy(strict());
    const runId = await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      baseline: 1,
      scores: [{ scorer: "exact", mean: 0.62, verdict: "regressed", difference: -0.12 }],
    });
    const refused = await deploy(2);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      `${env}'s gate refuses v2 (minor): 2 requirements are not met`,
    );
    const gate = refused.body.details.gate;
    expect(gate).toMatchObject({ environment: env, version: 2, level: "minor" });
    expect(gate.runs).toEqual([{ id: runId, url: `/evaluations/${runId}` }]);
    expect(gate.unmet.map((u: { message: string }) => u.message)).toEqual([
      `${dataset} · exact: mean 0.62 (95 % 0.57–0.67, n=100) is below the 0.80 required`,
      `${dataset} · exact: regressed against v1, which ${env} serves: difference \u22120.12 (95 % \u22120.16 to \u22120.08), p = 0.001`,
    ]);
    expect((await server.call("GET", path)).body.labels[env]).toBe(1);
    const history = (await server.call("GET", `${path}/deployments?environment=${env}`)).body;
    expect(history.items).toHaveLength(1);
    const failed = await events("gate.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0].payload).toMatchObject({
      environment: env,
      version: 2,
      level: "minor",
      runs: [runId],
    });

    // A better run is the evidence now: the same deploy passes and says so.
    await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      baseline: 1,
      scores: [{ scorer: "exact", mean: 0.9, verdict: "improved", difference: 0.1 }],
    });
    const passed = await deploy(2);
    expect(passed.status).toBe(201);
    expect(passed.body.gateOverride).toBeNull();
    expect(await events("gate.passed")).toHaveLength(1);
  });

  it("asks for a run when there is none, and for one against what is served", async () => {
    await deploy(1);
    await setPolicy(strict());
    const none = await deploy(2);
    expect(none.body.details.gate.unmet[0]).toMatchObject({
      kind: "missing_run",
      message: `no finished run of v2 on dataset ${dataset} with scorer exact`,
    });
    await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      scores: [{ scorer: "exact", mean: 0.9 }],
    });
    const noBaseline = await deploy(2);
    expect(noBaseline.body.details.gate.unmet.map((u: { kind: string }) => u.kind)).toEqual([
      "wrong_baseline",
    ]);
  });

  it("lets an admin override a failing gate with a reason, recorded in history and the audit log", async () => {
    await deploy(1);
    await setPolicy(strict());
    const editorTry = await deploy(2, { override: { reason: "hotfix" } }, editor);
    expect(editorTry.status).toBe(403);
    expect(editorTry.body.message).toContain("needs the admin role");
    expect((await deploy(2, { override: { reason: "  " } })).status).toBe(400);

    const overridden = await deploy(2, { override: { reason: "legal asked for it today" } });
    expect(overridden.status).toBe(201);
    expect(overridden.body.gateOverride).toBe("legal asked for it today");
    const history = (await server.call("GET", `${path}/deployments?environment=${env}`)).body;
    expect(history.items[0]).toMatchObject({
      toVersion: 2,
      gateOverride: "legal asked for it today",
    });
    const logged = await events("gate.overridden");
    expect(logged).toHaveLength(1);
    expect(logged[0].payload.reason).toBe("legal asked for it today");
    expect(logged[0].payload.unmet[0].kind).toBe("missing_run");
    expect(await events("gate.failed")).toHaveLength(0);
  });

  it("ignores an override of a gate that passes", async () => {
    await setPolicy({ patch: { requirements: [{ dataset, scorer: "exact" }] } });
    const deployed = await deploy(1, { override: { reason: "just in case" } }, editor);
    expect(deployed.status).toBe(201);
    expect(deployed.body.gateOverride).toBeNull();
    expect(await events("gate.overridden")).toHaveLength(0);
  });

  it("never gates a rollback: it must always be possible in seconds", async () => {
    await deploy(1);
    await deploy(2);
    const refuseAll = { requirements: [{ dataset, scorer: "exact", minMean: 1 }] };
    await setPolicy({ patch: refuseAll, minor: refuseAll, major: refuseAll });
    const back = await server.call("POST", `${path}/rollbacks`, { environment: env });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ kind: "rollback", toVersion: 1 });
  });

  it("refuses a label move through the Langfuse API with the same 409 and records one refusal", async () => {
    await deploy(1);
    await setPolicy(strict());
    const moved = await server.call("PATCH", `/api/public/v2/prompts/${enc(name)}/versions/2`, {
      newLabels: [env],
    });
    expect(moved.status).toBe(409);
    expect(moved.body.message).toBe(`${env}'s gate refuses v2 (minor): 1 requirement is not met`);
    expect(moved.body.details.gate.unmet).toHaveLength(1);
    expect((await server.call("GET", path)).body.labels[env]).toBe(1);
    expect(await events("gate.failed")).toHaveLength(1);
  });

  it("shows each environment's verdict on a version for the prompt page and the CLI", async () => {
    await deploy(1);
    await setPolicy(strict());
    const status = await server.call("GET", `${path}/gates?version=2`, undefined, viewer);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ name, version: 2, semver: "1.1.0" });
    const mine = status.body.items.find((i: { environment: string }) => i.environment === env);
    expect(mine).toMatchObject({
      protected: false,
      serves: 1,
      hasPolicy: true,
      level: "minor",
      passed: false,
    });
    expect(mine.unmet[0].kind).toBe("missing_run");
    const staging = status.body.items.find(
      (i: { environment: string }) => i.environment === "staging",
    );
    expect(staging).toMatchObject({ serves: null, level: "major", passed: true, unmet: [] });
    // v1 is what the environment serves: nothing to pass.
    const served = (await server.call("GET", `${path}/gates?version=1`)).body.items;
    expect(served.find((i: { environment: string }) => i.environment === env).passed).toBe(true);
    expect((await server.call("GET", `${path}/gates?version=9`)).status).toBe(404);
  });

  it("judges a run as the named environment's gate would, for a version or a draft", async () => {
    await deploy(1);
    await setPolicy(strict());
    const good = await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      baseline: 1,
      environment: env,
      scores: [{ scorer: "exact", mean: 0.95 }],
    });
    const verdict = await server.call("GET", `/api/v1/eval-runs/${good}/gate`, undefined, viewer);
    expect(verdict.body).toMatchObject({
      environment: env,
      version: 2,
      candidate: "v2",
      level: "minor",
      passed: true,
      hasRule: true,
    });

    const draft = await insertRun(server, {
      prompt: name,
      dataset,
      version: null,
      baseline: 1,
      scores: [{ scorer: "exact", mean: 0.5 }],
    });
    const noLevel = await server.call("GET", `/api/v1/eval-runs/${draft}/gate?environment=${env}`);
    expect(noLevel.status).toBe(400);
    expect(noLevel.body.message).toContain("?level=");
    const judged = await server.call(
      "GET",
      `/api/v1/eval-runs/${draft}/gate?environment=${env}&level=minor`,
    );
    expect(judged.body).toMatchObject({ candidate: "draft", version: null, passed: false });
    expect(judged.body.unmet[0].kind).toBe("below_min_mean");
    expect((await server.call("GET", `/api/v1/eval-runs/${draft}/gate`)).status).toBe(400);
    const running = await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      status: "running",
      scores: [{ scorer: "exact", mean: 1 }],
    });
    const early = await server.call("GET", `/api/v1/eval-runs/${running}/gate?environment=${env}`);
    expect(early.status).toBe(409);
    expect(early.body.message).toContain("is running");
    expect(
      (await server.call("GET", "/api/v1/eval-runs/nope/gate?environment=staging")).status,
    ).toBe(404);
  });

  it("recommends a policy from the scorers of the dataset's latest run", async () => {
    expect(
      (await server.call("GET", `/api/v1/gates/recommended?dataset=${enc(dataset)}`)).status,
    ).toBe(409);
    await insertRun(server, {
      prompt: name,
      dataset,
      version: 2,
      scores: [
        { scorer: "json-valid", mean: 1 },
        { scorer: "tone", mean: 0.9 },
      ],
      // A scorer that scored nothing (every case an error) is not required: it could never pass.
      scorers: [
        { type: "json-valid" },
        { type: "judge", name: "tone", prompt: "judges/tone" },
        { type: "json-schema" },
      ],
    });
    const recommended = await server.call(
      "GET",
      `/api/v1/gates/recommended?dataset=${enc(dataset)}`,
    );
    expect(recommended.status).toBe(200);
    // The requirements are the prompt's own: another prompt deployed to production is not held
    // to a dataset it never ran on.
    expect(recommended.body.policy.patch.requirements).toEqual([
      { dataset, scorer: "json-valid", prompts: [name] },
    ]);
    expect(recommended.body.policy.patch.noRegression).toBe(true);
    expect(
      recommended.body.policy.major.requirements.map((r: { scorer: string }) => r.scorer),
    ).toEqual(["json-valid", "tone"]);
    expect((await setPolicy(recommended.body.policy)).status).toBe(200);
    expect((await server.call("GET", "/api/v1/gates/recommended?dataset=no/such")).status).toBe(
      404,
    );
  });

  it("puts gate.failed and gate.passed on the change feed, named by the prompt and carrying no version", async () => {
    await deploy(1);
    await setPolicy(strict());
    const feed = await openSse(`${server.url}/api/v1/changes`, {
      authorization: `Bearer ${viewer}`,
    });
    try {
      await expect.poll(() => feed.frames.length).toBeGreaterThan(0);
      expect((await deploy(2)).status).toBe(409);
      await insertRun(server, {
        prompt: name,
        dataset,
        version: 2,
        baseline: 1,
        scores: [{ scorer: "exact", mean: 0.9 }],
      });
      expect((await deploy(2)).status).toBe(201);
      type Change = { type: string; name: string; payload: { version: number }; prompt?: unknown };
      const gateEvents = () =>
        feed.events<Change>().filter((e) => e.name === name && e.type.startsWith("gate."));
      await expect
        .poll(() => gateEvents().map((e) => e.type))
        .toEqual(["gate.failed", "gate.passed"]);
      for (const event of gateEvents()) {
        expect(event.payload.version).toBe(2);
        expect(event.prompt).toBeUndefined();
      }
    } finally {
      feed.close();
    }
  });
});
