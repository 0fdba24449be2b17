import { describe, expect, it } from "vitest";
import { publishBodySchema } from "./api.js";

describe("publish body", () => {
  it("trims the commit message and refuses one that is only whitespace", () => {
    expect(publishBodySchema.parse({ commitMessage: "  Shorter greeting\n" })).toEqual({
      commitMessage: "Shorter greeting",
    });
    expect(publishBodySchema.safeParse({ commitMessage: " \n " }).error?.issues[0]?.message).toBe(
      "say what changed and why",
    );
  });
});
