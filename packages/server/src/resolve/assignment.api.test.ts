import { assignVersion } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import {
  type AssignmentCase,
  casesByRollout,
  contentNaming,
  promptWithVersions,
  startVectorRollout,
} from "../test-support/rollouts.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

/**
 * The case's unit as the `unit` parameter would carry it, and the context without it; `header`
 * when a header can carry it too (header values are ASCII).
 */
function unitApart(
  c: AssignmentCase,
): { unit: string; rest: Record<string, unknown>; header?: Record<string, string> } | undefined {
  const { [c.rollout.unit]: unit, ...rest } = c.context;
  if (typeof unit !== "string" && typeof unit !== "number") return undefined;
  const text = String(unit);
  if (text === "") return undefined;
  return {
    unit: text,
    rest,
    ...(/^[\x20-\x7e]+$/.test(text) && { header: { "x-promptline-unit": text } }),
  };
}

describe.each(testEngines())(
  "where assignment happens: the client and Langfuse APIs (%s)",
  (engine) => {
    let server: TestServer;
    /** Each distinct rollout of the shared vectors, running on a prompt of its own. */
    const rollouts: Array<{ name: string; cases: AssignmentCase[] }> = [];

    const resolve = (
      name: string,
      query: Record<string, string>,
      headers: Record<string, string> = {},
    ) =>
      fetch(`${server.url}/api/v1/client/prompts/${enc(name)}?${new URLSearchParams(query)}`, {
        headers: { authorization: `Bearer ${server.adminKey}`, ...headers },
      }).then(async (r) => ({
        status: r.status,
        etag: r.headers.get("etag"),
        // Set by the framework's middleware: absent when the answer came from the fast path.
        framework: r.headers.has("content-security-policy"),
        body: (await r.json()) as Loose,
      }));

    beforeAll(async () => {
      server = await startTestServer(engine);
      for (const { rollout, cases } of casesByRollout()) {
        const name = uniqueName("vectors/rollout");
        const versions = Math.max(rollout.control, ...rollout.split.map((v) => v.version));
        await promptWithVersions(server, name, versions, rollout.control, contentNaming());
        await startVectorRollout(server, name, rollout);
        rollouts.push({ name, cases });
      }
    });
    afterAll(() => server?.stop());

    it("assigns each shared vector's caller the version assignVersion gives, by context, unit parameter or header", async () => {
      let assigned = 0;
      for (const { name, cases } of rollouts) {
        for (const c of cases) {
          const control = await resolve(name, {});
          const delivered = control.body.rollout;
          expect(delivered.salt, c.name).toBe(c.rollout.salt);
          const expected = assignVersion(delivered, c.context);
          expect(expected, c.name).toEqual(c.expected);

          const byContext = await resolve(name, { context: JSON.stringify(c.context) });
          expect(byContext.status, c.name).toBe(200);
          expect(byContext.body.version, c.name).toBe(c.expected.version);
          expect(byContext.etag, c.name).toContain(`-${c.expected.version}`);
          if (c.expected.by === "no-unit") {
            expect(byContext.body.variant, c.name).toBeUndefined();
            expect(byContext.body.rollout, c.name).toEqual(delivered);
            continue;
          }
          assigned++;
          // An assigned caller's answer is the version's: its ETag names the version alone.
          expect(byContext.etag, c.name).toMatch(new RegExp(`-${c.expected.version}"$`));
          expect(byContext.body.variant, c.name).toBe(c.expected.variant);
          expect(byContext.body.label, c.name).toBe("production");
          expect(byContext.body.content.messages[0].content).toBe(
            `You are version ${c.expected.version}.`,
          );

          const apart = unitApart(c);
          if (!apart) continue;
          const context = JSON.stringify(apart.rest);
          const byUnit = await resolve(name, { unit: apart.unit, context });
          expect([byUnit.body.version, byUnit.body.variant], c.name).toEqual([
            c.expected.version,
            c.expected.variant,
          ]);
          if (!apart.header) continue;
          const byHeader = await resolve(name, { context }, apart.header);
          expect([byHeader.body.version, byHeader.body.variant], c.name).toEqual([
            c.expected.version,
            c.expected.variant,
          ]);
        }
      }
      expect(assigned).toBeGreaterThanOrEqual(35);
    });

    it("serves the control without a unit, with the rollout for clients that assign themselves, and answers 304 per version", async () => {
      const { name, cases } = rollouts[0] as (typeof rollouts)[number];
      const control = await resolve(name, { context: '{"plan":"pro"}' });
      expect(control.body).toMatchObject({
        version: cases[0]?.rollout.control,
        label: "production",
      });
      expect(control.body.variant).toBeUndefined();
      expect(control.body.rollout.split).toEqual(cases[0]?.rollout.split);

      const candidate = cases.find((c) => c.expected.variant === "candidate") as AssignmentCase;
      const query = { context: JSON.stringify(candidate.context) };
      const first = await resolve(name, query);
      const again = await fetch(
        `${server.url}/api/v1/client/prompts/${enc(name)}?${new URLSearchParams(query)}`,
        {
          headers: {
            authorization: `Bearer ${server.adminKey}`,
            "if-none-match": first.etag as string,
          },
        },
      );
      expect(again.status).toBe(304);
      expect(first.etag).not.toBe(control.etag);
    });

    it("answers an assigned caller's repeated requests from memory, before the framework, as the route did", async () => {
      const { name, cases } = rollouts[0] as (typeof rollouts)[number];
      const candidate = cases.find((c) => c.expected.variant === "candidate") as AssignmentCase;
      const control = cases.find(
        (c) => c.expected.by === "split" && c.expected.variant === "control",
      ) as AssignmentCase;
      for (const c of [candidate, control]) {
        const { userId, ...rest } = c.context;
        const ways: Array<[Record<string, string>, Record<string, string>]> = [
          [{ context: JSON.stringify(c.context) }, {}],
          [{ unit: String(userId), context: JSON.stringify(rest) }, {}],
          [{ label: "production" }, { "x-promptline-unit": String(userId) }],
        ];
        for (const [query, headers] of ways) {
          const first = await resolve(name, query, headers);
          const again = await resolve(name, query, headers);
          expect(again.framework, JSON.stringify(query)).toBe(false);
          expect(again.body, JSON.stringify(query)).toEqual(first.body);
          expect(again.etag).toBe(first.etag);
          expect(again.body).toMatchObject({
            version: c.expected.version,
            variant: c.expected.variant,
          });
        }
      }
      // What the fast path cannot judge goes the full way, and is explained there.
      const bad = await resolve(name, { unit: "user-1", context: "[1]" });
      expect([bad.status, bad.framework]).toEqual([400, true]);
    });

    it("refuses a context that is not a JSON object of at most 4 KB, saying so", async () => {
      const { name } = rollouts[0] as (typeof rollouts)[number];
      const notJson = await resolve(name, { unit: "user-1", context: "{plan:pro}" });
      expect(notJson.status).toBe(400);
      expect(notJson.body.message).toMatch(/context is not JSON/);
      const list = await resolve(name, { unit: "user-1", context: '["pro"]' });
      expect(list.status).toBe(400);
      expect(list.body.message).toMatch(/context must be a JSON object/);
      const long = await resolve(name, { context: JSON.stringify({ note: "x".repeat(5000) }) });
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/context/);
      const compiled = await server.call("POST", `/api/v1/client/prompts/${enc(name)}/compile`, {
        context: { note: "x".repeat(5000) },
      });
      expect(compiled.status).toBe(400);
      expect(compiled.body.message).toMatch(/context.*4096/);
    });

    it("compiles the version a unit is assigned, by body or header, and the control without one", async () => {
      const { name, cases } = rollouts[0] as (typeof rollouts)[number];
      const compile = (body: Loose, headers?: Record<string, string>) =>
        fetch(`${server.url}/api/v1/client/prompts/${enc(name)}/compile`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${server.adminKey}`,
            "content-type": "application/json",
            ...headers,
          },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Loose }));
      for (const c of cases.filter((x) => x.expected.by !== "no-unit")) {
        const byContext = await compile({ context: c.context });
        expect(byContext.status, c.name).toBe(200);
        expect(byContext.body, c.name).toMatchObject({
          version: c.expected.version,
          variant: c.expected.variant,
          label: "production",
          messages: [{ role: "system", content: `You are version ${c.expected.version}.` }],
        });
        const apart = unitApart(c);
        if (!apart?.header) continue;
        const byHeader = await compile({ context: apart.rest }, apart.header);
        expect(byHeader.body.version, c.name).toBe(c.expected.version);
      }
      const control = await compile({});
      expect(control.body.version).toBe(cases[0]?.rollout.control);
      expect(control.body.variant).toBeUndefined();
    });

    it("gives the Langfuse API's caller with a unit its assigned version, and the control without one", async () => {
      for (const { name, cases } of rollouts.slice(0, 4)) {
        const get = (query: Record<string, string>, headers: Record<string, string> = {}) =>
          fetch(`${server.url}/api/public/v2/prompts/${enc(name)}?${new URLSearchParams(query)}`, {
            headers: { authorization: `Bearer ${server.adminKey}`, ...headers },
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as Loose }));
        for (const c of cases) {
          const apart = unitApart(c);
          if (!apart) continue;
          const context = JSON.stringify(apart.rest);
          const byUnit = await get({ unit: apart.unit, context });
          expect(byUnit.status, c.name).toBe(200);
          expect(byUnit.body.version, c.name).toBe(c.expected.version);
          expect(byUnit.body.prompt[0].content).toBe(`You are version ${c.expected.version}.`);
          if (!apart.header) continue;
          const byHeader = await get({ label: "production", context }, apart.header);
          expect(byHeader.body.version, c.name).toBe(c.expected.version);
        }
        const control = await get({});
        expect(control.body.version).toBe(cases[0]?.rollout.control);
        expect(control.body.labels).toContain("production");
        const bad = await get({ unit: "u", context: "nope" });
        expect(bad.status).toBe(400);
      }
    });
  },
);
