import { describe, expect, it } from "vitest";
import { diffContents } from "../diff/index.js";
import type { PromptContent } from "../prompt/content.js";
import { suggestBump } from "./bump.js";
import { bumpSemver } from "./semver.js";

const base: PromptContent = {
  type: "chat",
  messages: [
    { role: "system", content: "You are a support agent. Answer politely." },
    { role: "user", content: "{{question}}" },
  ],
  config: { model: "gpt-4o", temperature: 0.2 },
};

function suggest(after: PromptContent) {
  return suggestBump(base, after, diffContents(base, after));
}

describe("bump suggestion", () => {
  it("calls rewording a patch", () => {
    const after = structuredClone(base);
    after.messages[0] = { role: "system", content: "You are a support agent. Answer courteously." };
    expect(suggest(after)).toEqual({
      level: "patch",
      reasons: [{ level: "patch", reason: "wording changed in messages[0].content" }],
    });
  });

  it("calls added instructions a minor", () => {
    const after = structuredClone(base);
    after.messages[0] = {
      role: "system",
      content: "You are a support agent. Answer politely. Never promise refunds.",
    };
    expect(suggest(after)).toEqual({
      level: "minor",
      reasons: [
        { level: "minor", reason: "instructions added: 1 sentence(s) more in messages[0].content" },
      ],
    });
  });

  it("calls a new variable or output format a major, with reasons", () => {
    const after = structuredClone(base);
    after.messages[1] = { role: "user", content: "{{question}} ({{locale}})" };
    after.config = { ...after.config, responseFormat: { type: "json_object" } };
    const suggestion = suggest(after);
    expect(suggestion.level).toBe("major");
    expect(suggestion.reasons.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        "variables added: locale",
        "output format changed (config.responseFormat)",
      ]),
    );
  });

  it("applies levels to semantic versions", () => {
    expect(bumpSemver("2.4.1", "major")).toBe("3.0.0");
    expect(bumpSemver("2.4.1", "minor")).toBe("2.5.0");
    expect(bumpSemver("2.4.1", "patch")).toBe("2.4.2");
  });
});
