import { describe, expect, it } from "vitest";
import { parsePromptReference, promptNameSchema, tagSchema } from "./name.js";

describe("prompt names", () => {
  it("are '/'-separated segments of letters, digits, '.', '_' and '-'", () => {
    for (const name of ["greeter", "support/refund-agent", "Team_2/v1.5/agent-B"]) {
      expect(promptNameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("refuse empty segments, segments starting with punctuation, spaces and other letters", () => {
    for (const name of ["", "/lead", "trail/", "a//b", "-a", "a/.hidden", "a b", "café", "a@b"]) {
      expect(promptNameSchema.safeParse(name).error?.issues[0]?.message, name).toContain(
        "e.g. support/refund-agent",
      );
    }
  });

  it("are at most 200 characters", () => {
    expect(promptNameSchema.safeParse("a".repeat(200)).success).toBe(true);
    expect(promptNameSchema.safeParse("a".repeat(201)).error?.issues[0]?.message).toBe(
      "a prompt name is at most 200 characters",
    );
  });
});

describe("tags", () => {
  it("are 1 to 64 characters without whitespace, commas or quotes", () => {
    for (const tag of ["tier_1", "Élan", "a".repeat(64)]) {
      expect(tagSchema.safeParse(tag).success, tag).toBe(true);
    }
    for (const tag of ["", "two words", "a,b", 'say"hi', "a".repeat(65)]) {
      expect(tagSchema.safeParse(tag).success, tag).toBe(false);
    }
  });
});

describe("prompt references", () => {
  it("name a prompt, a prompt at a label or a prompt at a version", () => {
    expect(parsePromptReference("support/refund-agent")).toEqual({ name: "support/refund-agent" });
    expect(parsePromptReference("support/refund-agent@staging")).toEqual({
      name: "support/refund-agent",
      label: "staging",
    });
    expect(parsePromptReference("support/refund-agent#3")).toEqual({
      name: "support/refund-agent",
      version: 3,
    });
  });

  it("say what is wrong with a reference that is malformed, names no prompt or no version", () => {
    for (const text of ["a@b@c", "a#1@b", "a#", "a@", "a#x"]) {
      expect(parsePromptReference(text)).toMatch(/is not a prompt reference \(e\.g\. /);
    }
    expect(parsePromptReference("bad name!@production")).toMatch(
      /^'bad name!' is not a prompt name/,
    );
    expect(parsePromptReference("a#0")).toBe("'#0' is not a version number");
    expect(parsePromptReference("a#2147483648")).toBe("'#2147483648' is not a version number");
    expect(parsePromptReference("a#2147483647")).toEqual({ name: "a", version: 2_147_483_647 });
  });
});
