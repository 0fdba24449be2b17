import { describe, expect, it } from "vitest";
import type { PromptContent } from "../prompt/content.js";
import { diffContents } from "./index.js";

describe("content diff", () => {
  it("reports an inserted message as one addition, not a cascade", () => {
    const before: PromptContent = {
      type: "chat",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "{{q}}" },
      ],
    };
    const after: PromptContent = {
      type: "chat",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "assistant", content: "Example answer." },
        { role: "user", content: "{{q}}" },
      ],
      config: { temperature: 0.5 },
    };
    const diff = diffContents(before, after, { from: "v1", to: "v2" });
    expect(diff.changes).toEqual([
      {
        path: "messages[1]",
        kind: "added",
        after: { role: "assistant", content: "Example answer." },
      },
      { path: "config.temperature", kind: "added", after: 0.5 },
    ]);
    expect(diff.unified).toContain("--- v1");
    expect(diff.unified).toContain("+Example answer.");
  });

  it("pairs an edited message and gives its text patch", () => {
    const before: PromptContent = {
      type: "chat",
      messages: [{ role: "system", content: "Be brief." }],
    };
    const after: PromptContent = {
      type: "chat",
      messages: [{ role: "system", content: "Be concise." }],
    };
    const [change] = diffContents(before, after).changes;
    expect(change?.path).toBe("messages[0].content");
    expect(change?.patch).toContain("-Be brief.\n+Be concise.");
  });

  it("finds nothing between equal contents", () => {
    const c: PromptContent = { type: "text", text: "x", config: { model: "m" } };
    expect(diffContents(c, structuredClone(c)).identical).toBe(true);
  });
});
