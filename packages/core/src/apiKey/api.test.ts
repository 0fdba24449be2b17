import { describe, expect, it } from "vitest";
import { createApiKeyBodySchema } from "./api.js";

describe("create API key body", () => {
  it("makes a bearer key unless a Langfuse pair is asked for", () => {
    expect(createApiKeyBodySchema.parse({ name: "ci", role: "editor" })).toEqual({
      name: "ci",
      role: "editor",
      kind: "bearer",
    });
    expect(
      createApiKeyBodySchema.parse({ name: "ci", role: "viewer", kind: "langfuse" }).kind,
    ).toBe("langfuse");
    expect(
      createApiKeyBodySchema.safeParse({ name: "ci", role: "viewer", kind: "basic" }).success,
    ).toBe(false);
  });

  it("trims the name and refuses one that is blank or longer than 100 characters", () => {
    expect(createApiKeyBodySchema.parse({ name: "  ci bot \n", role: "viewer" }).name).toBe(
      "ci bot",
    );
    for (const name of ["", "   ", "n".repeat(101)]) {
      expect(createApiKeyBodySchema.safeParse({ name, role: "viewer" }).success).toBe(false);
    }
  });

  it("gives one of the three roles", () => {
    for (const role of ["admin", "editor", "viewer"]) {
      expect(createApiKeyBodySchema.safeParse({ name: "k", role }).success).toBe(true);
    }
    expect(createApiKeyBodySchema.safeParse({ name: "k", role: "owner" }).success).toBe(false);
    expect(createApiKeyBodySchema.safeParse({ name: "k" }).success).toBe(false);
  });
});
