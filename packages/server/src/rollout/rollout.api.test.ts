import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const CANARY = [
  { weight: 500, holdMinutes: 30 },
  { weight: 2500, holdMinutes: 30 },
  { weight: 10000, holdMinutes: 0 },
];

describe.each(testEngines())("rollouts on %s", (engine) => {
  let server: TestServer;
  let editor: string;
  let viewer: string;
  let name: string;
  let path: string;
  let env: string;

  const publish = (text: string) =>
    server.call("POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
    });
  const start = (body: Record<string, unknown> = {}, key?: string) =>
    server.call(
      "POST",
      `${path}/rollouts`,
      {
        environment: env,
        strategy: "canary",
        candidates: [{ version: 2 }],
        canary: CANARY,
        guardrails: [{ metric: "error_rate", worseWhen: "higher", tolerance: 0.02 }],
        ...body,
      },
      key,
    );
  const act = (id: number, action: string, body: Record<string, unknown> = {}, key?: string) =>
    server.call("POST", `${path}/rollouts/${id}/${action}`, body, key);
  const resolveAs = (unit?: string) =>
    server.call(
      "GET",
      `/api/v1/client/prompts/${enc(name)}?label=${env}${unit ? `&unit=${enc(unit)}` : ""}`,
      undefined,
      viewer,
    );
  const history = async () =>
    (await server.call("GET", `${path}/deployments?environment=${env}`)).body.items;

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
    for (const text of ["One.", "Two.", "Three."]) expect((await publish(text)).status).toBe(201);
    env = uniqueName("staging");
    await server.call("POST", "/api/v1/environments", { name: env, protected: false });
    expect(
      (await server.call("POST", `${path}/deployments`, { environment: env, version: 1 })).status,
    ).toBe(201);
  });
  afterAll(() => server?.stop());

  it("starts a canary on what the environment serves, delivers it with the label and lists it", async () => {
    const started = await start({ reason: "try the shorter answer" }, editor);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      name,
      environment: env,
      strategy: "canary",
      status: "running",
      control: 1,
      candidates: [2],
      unit: "userId",
      split: [
        { version: 2, weight: 500 },
        { version: 1, weight: 9500 },
      ],
      canary: { step: 0 },
      revision: 1,
      onBreach: "rollback",
      minSamples: 100,
      startedBy: "apikey:editor",
    });
    const resolved = await resolveAs();
    expect(resolved.body.version).toBe(1);
    expect(resolved.body.rollout).toMatchObject({
      id: started.body.id,
      control: 1,
      unit: "userId",
      salt: started.body.salt,
    });
    const list = await server.call("GET", `${path}/rollouts?active=true`, undefined, viewer);
    expect(list.body.items.map((r: { id: number }) => r.id)).toEqual([started.body.id]);
    const all = await server.call("GET", "/api/v1/rollouts?active=true", undefined, viewer);
    expect(all.body.items.map((r: { id: number }) => r.id)).toContain(started.body.id);
    const detail = await server.call(
      "GET",
      `${path}/rollouts/${started.body.id}`,
      undefined,
      viewer,
    );
    expect(detail.body.decisions).toMatchObject([
      {
        action: "start",
        actor: "apikey:editor",
        automatic: false,
        reason: "try the shorter answer",
      },
    ]);
    expect(detail.body.traffic).toEqual([]);
  });

  it("assigns a unit the same version every time, and serves the control without one", async () => {
    const { body: rollout } = await start({
      strategy: "split",
      candidates: [{ version: 2, weight: 5000 }],
      canary: undefined,
    });
    expect(rollout.split).toEqual([
      { version: 2, weight: 5000 },
      { version: 1, weight: 5000 },
    ]);
    const seen = new Map<string, number>();
    for (let u = 0; u < 40; u++) {
      const { body } = await resolveAs(`user-${u}`);
      expect(body.variant).toBe(body.version === 1 ? "control" : "candidate");
      seen.set(`user-${u}`, body.version);
    }
    expect(new Set(seen.values())).toEqual(new Set([1, 2]));
    for (const [unit, version] of seen) expect((await resolveAs(unit)).body.version).toBe(version);
    expect((await resolveAs()).body).toMatchObject({ version: 1 });
    expect((await resolveAs()).body.variant).toBeUndefined();
  });

  it("refuses a deploy or a rollback while the rollout runs, and a second rollout", async () => {
    const { body: rollout } = await start();
    const deploy = await server.call("POST", `${path}/deployments`, {
      environment: env,
      version: 3,
    });
    expect(deploy.status).toBe(409);
    expect(deploy.body.message).toContain(`rollout #${rollout.id}`);
    expect(deploy.body.message).toContain("promote or abort it");
    const rollback = await server.call("POST", `${path}/rollbacks`, { environment: env });
    expect(rollback.status).toBe(409);
    const again = await start({ candidates: [{ version: 3 }] });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain("already running");
  });

  it("advances, pauses, resumes and promotes by hand: the promote is a deploy in the history", async () => {
    const { body: rollout } = await start();
    const advanced = await act(rollout.id, "advance", { reason: "looks fine" }, editor);
    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ canary: { step: 1 }, revision: 2 });
    expect(advanced.body.split[0]).toEqual({ version: 2, weight: 2500 });
    expect((await act(rollout.id, "pause")).body.status).toBe("paused");
    expect((await act(rollout.id, "pause")).status).toBe(409);
    expect((await act(rollout.id, "resume")).body.status).toBe("running");
    const stale = await act(rollout.id, "advance", { expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain("changed since revision 1");
    const promoted = await act(rollout.id, "promote", { reason: "healthy" });
    expect(promoted.body).toMatchObject({ status: "promoted", endedBy: "apikey:admin" });
    expect((await resolveAs("anyone")).body).toMatchObject({ version: 2 });
    expect((await resolveAs("anyone")).body.rollout).toBeUndefined();
    const [move] = await history();
    expect(move).toMatchObject({
      kind: "deploy",
      fromVersion: 1,
      toVersion: 2,
      rolloutId: rollout.id,
    });
    expect(move.reason).toContain("healthy");
    expect((await act(rollout.id, "abort")).status).toBe(409);
    const events = await server.call(
      "GET",
      `/api/v1/events?prompt=${enc(name)}&type=rollout.started,rollout.advanced,rollout.paused,rollout.resumed,rollout.promoted`,
    );
    expect(events.body.items.map((e: { type: string }) => e.type).reverse()).toEqual([
      "rollout.started",
      "rollout.advanced",
      "rollout.paused",
      "rollout.resumed",
      "rollout.promoted",
    ]);
  });

  it("aborts back to the control with a rollback move, after which deploys work again", async () => {
    const { body: rollout } = await start();
    const aborted = await act(rollout.id, "abort", { reason: "wrong tone" });
    expect(aborted.body).toMatchObject({ status: "aborted", endReason: "wrong tone" });
    const [move] = await history();
    expect(move).toMatchObject({
      kind: "rollback",
      fromVersion: 1,
      toVersion: 1,
      rolloutId: rollout.id,
    });
    expect((await resolveAs("anyone")).body.version).toBe(1);
    expect((await resolveAs("anyone")).body.rollout).toBeUndefined();
    // The abort moved nothing: undoing the label's last move undoes the deploy before it.
    await server.call("POST", `${path}/deployments`, { environment: env, version: 3 });
    const undo = await server.call("POST", `${path}/rollbacks`, { environment: env });
    expect(undo.body.toVersion).toBe(1);
  });

  it("refuses what cannot run, saying what to fix, and writes nothing", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ candidates: [{ version: 1 }] }, 400, "control"],
      [{ candidates: [{ version: 9 }] }, 404, "9"],
      [{ canary: undefined }, 400, "steps"],
      [{ candidates: [{ version: 2, weight: 500 }] }, 400, "leave weight out"],
      [{ strategy: "split", canary: undefined }, 400, "weight"],
      [
        {
          strategy: "split",
          canary: undefined,
          candidates: [
            { version: 2, weight: 6000 },
            { version: 3, weight: 6000 },
          ],
        },
        400,
        "12000",
      ],
      [
        {
          canary: [
            { weight: 500, holdMinutes: 1 },
            { weight: 400, holdMinutes: 0 },
          ],
        },
        400,
        "more than the step before",
      ],
      [
        {
          rules: [
            {
              conditions: [{ attribute: "plan", op: "equals", value: "pro" }],
              variants: [{ version: 3, weight: 10000 }],
            },
          ],
        },
        400,
        "rule 1 serves v3",
      ],
      [
        {
          rules: [
            {
              conditions: [{ attribute: "email", op: "matches", pattern: "(a" }],
              variants: [{ version: 2, weight: 10000 }],
            },
          ],
        },
        400,
        "pattern",
      ],
      [
        {
          rules: [
            {
              conditions: [{ attribute: "email", op: "matches", pattern: "(?=a)" }],
              variants: [{ version: 2, weight: 10000 }],
            },
          ],
        },
        400,
        "lookaround",
      ],
      ...(
        [
          ["^(a+)+$", "repeats a group that holds a quantifier"],
          ["a*a*a*$", "too many ways to match"],
          ["(?i)pro", "not a JavaScript regular expression"],
        ] as const
      ).map(([pattern, text]): [Record<string, unknown>, number, string] => [
        {
          rules: [
            {
              conditions: [{ attribute: "email", op: "matches", pattern }],
              variants: [{ version: 2, weight: 10000 }],
            },
          ],
        },
        400,
        text,
      ]),
    ];
    for (const [body, status, text] of cases) {
      const refused = await start(body);
      expect({ body, status: refused.status }).toEqual({ body, status });
      expect(refused.body.message).toContain(text);
    }
    expect((await server.call("GET", `${path}/rollouts`)).body.items).toEqual([]);
    const none = uniqueName("empty");
    await server.call("POST", "/api/v1/environments", { name: none, protected: false });
    const nothing = await start({ environment: none });
    expect(nothing.status).toBe(409);
    expect(nothing.body.message).toContain("deploy one first");
  });

  it("lets only those who may move the label change a rollout", async () => {
    expect((await start({}, viewer)).status).toBe(403);
    const { body: rollout } = await start();
    expect((await act(rollout.id, "abort", {}, viewer)).status).toBe(403);
    const protectedStart = await server.call(
      "POST",
      `${path}/rollouts`,
      { environment: "production", strategy: "split", candidates: [{ version: 2, weight: 100 }] },
      editor,
    );
    expect(protectedStart.status).toBe(403);
    expect(protectedStart.body.message).toContain("protected");
    expect((await server.call("GET", `${path}/rollouts/99999`)).status).toBe(404);
  });

  it("targets by rule before the split, with regex and attribute conditions", async () => {
    await start({
      strategy: "split",
      canary: undefined,
      candidates: [{ version: 2, weight: 0 }],
      rules: [
        {
          conditions: [{ attribute: "email", op: "matches", pattern: "@example\\.com$" }],
          variants: [{ version: 2, weight: 10000 }],
        },
      ],
    });
    const as = (context: Record<string, unknown>) =>
      server.call(
        "GET",
        `/api/v1/client/prompts/${enc(name)}?label=${env}&context=${enc(JSON.stringify(context))}`,
        undefined,
        viewer,
      );
    const inside = await as({ userId: "u1", email: "ann@example.com" });
    const outside = await as({ userId: "u1", email: "ann@example.org" });
    expect([inside.body.version, outside.body.version]).toEqual([2, 1]);
  });
});
