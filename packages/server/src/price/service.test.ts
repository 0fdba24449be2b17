import { NotFound, type Principal } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { createContext } from "../context.js";
import { listEvents } from "../event/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { createPriceService } from "./service.js";

const AT = "2026-01-02T03:04:05.000Z";
const MILLION_IN_AND_OUT = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe.each(testEngines())("model prices on %s", (kind) => {
  const storage = useTestStorage(kind);
  const adminOf = async (): Promise<Principal> => ({
    projectId: await storage.newProject(AT),
    role: "admin",
    actor: "apikey:finance",
  });

  it("lists the project's own prices among the defaults it did not override, by model name", async () => {
    const prices = createPriceService(createContext(storage.engine));
    const admin = await adminOf();
    const neighbour = await adminOf();
    await prices.setPrice(admin, "gpt-4o", { inputPerMillion: 1, outputPerMillion: 2 });
    await prices.setPrice(admin, "acme-llm", { inputPerMillion: 0.5, outputPerMillion: 0.5 });

    const listed = await prices.listPrices(admin);
    expect(listed.map((p) => p.model)).toEqual(
      [...listed.map((p) => p.model)].sort((a, b) => a.localeCompare(b)),
    );
    expect(listed.filter((p) => p.model === "gpt-4o")).toEqual([
      { model: "gpt-4o", inputPerMillion: 1, outputPerMillion: 2, source: "project" },
    ]);
    expect(listed.filter((p) => p.source === "project").map((p) => p.model)).toEqual([
      "acme-llm",
      "gpt-4o",
    ]);
    const theirs = await prices.listPrices(neighbour);
    expect(theirs.find((p) => p.model === "gpt-4o")?.source).toBe("default");
    expect(theirs.map((p) => p.model)).not.toContain("acme-llm");
  });

  it("costs calls at a new price at once, in the project that set it only, and at the default once removed", async () => {
    const prices = createPriceService(createContext(storage.engine));
    const admin = await adminOf();
    const neighbour = await adminOf();
    const costIn = async (who: Principal, model: string) =>
      (await prices.tableFor(who.projectId)).costOf(model, MILLION_IN_AND_OUT);
    // gpt-4o's default: $2.50 in, $10 out per million tokens.
    expect(await costIn(admin, "gpt-4o")).toBe(12.5);
    expect(await costIn(admin, "acme-llm")).toBeUndefined();

    await prices.setPrice(admin, "gpt-4o", { inputPerMillion: 1, outputPerMillion: 2 });
    await prices.setPrice(admin, "acme-llm", { inputPerMillion: 0.5, outputPerMillion: 0.5 });
    expect(await costIn(admin, "gpt-4o-2024-08-06")).toBe(3);
    expect(await costIn(admin, "acme-llm")).toBe(1);
    expect(await costIn(neighbour, "gpt-4o")).toBe(12.5);

    await prices.removePrice(admin, "gpt-4o");
    expect(await costIn(admin, "gpt-4o")).toBe(12.5);
  });

  it("records each price set and removed, and refuses to remove a price the project never set", async () => {
    const prices = createPriceService(createContext(storage.engine));
    const admin = await adminOf();
    await prices.setPrice(admin, "gpt-4o", { inputPerMillion: 1, outputPerMillion: 2 });
    await prices.removePrice(admin, "gpt-4o");
    for (const model of ["gpt-4o", "claude-sonnet-4", "has space"]) {
      await expect(prices.removePrice(admin, model)).rejects.toThrow(NotFound);
    }
    await expect(prices.removePrice(admin, "gpt-4o")).rejects.toThrow(
      "this project sets no price of its own for 'gpt-4o' (built-in defaults cannot be removed, only overridden with PUT)",
    );
    const events = await listEvents(
      storage.engine.db,
      admin.projectId,
      ["price.set", "price.removed"],
      { limit: 10 },
    );
    expect(events.map((e) => [e.type, e.subject, e.payload, e.actor])).toEqual([
      ["price.set", "gpt-4o", { inputPerMillion: 1, outputPerMillion: 2 }, "apikey:finance"],
      ["price.removed", "gpt-4o", {}, "apikey:finance"],
    ]);
  });
});
