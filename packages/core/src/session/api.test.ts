import { describe, expect, it } from "vitest";
import { signInBodySchema } from "./api.js";

describe("sign-in body", () => {
  it("takes one API key of 1 to 500 characters and nothing else", () => {
    expect(signInBodySchema.parse({ apiKey: "pl_abc" })).toEqual({ apiKey: "pl_abc" });
    for (const body of [{ apiKey: "" }, { apiKey: "k".repeat(501) }, {}]) {
      expect(signInBodySchema.safeParse(body).success).toBe(false);
    }
    expect(signInBodySchema.safeParse({ apiKey: "pl_abc", remember: true }).success).toBe(false);
  });
});
