import { describe, expect, it } from "vitest";
import { createProviderBodySchema, updateProviderBodySchema } from "./api.js";

describe("provider bodies", () => {
  it("fills in a 60 s timeout and 2 retries, and bounds both", () => {
    expect(createProviderBodySchema.parse({ name: "openai", kind: "openai" })).toEqual({
      name: "openai",
      kind: "openai",
      timeoutMs: 60_000,
      maxRetries: 2,
    });
    expect(updateProviderBodySchema.safeParse({ timeoutMs: 99 }).success).toBe(false);
    expect(updateProviderBodySchema.safeParse({ maxRetries: 11 }).success).toBe(false);
  });

  it("refuses a key header the request sets for itself, whatever its case", () => {
    for (const header of ["Content-Type", "HOST", "anthropic-version"]) {
      const result = updateProviderBodySchema.safeParse({ apiKeyHeader: header });
      expect(result.error?.issues[0]?.message).toBe(
        "apiKeyHeader names a header the request needs for itself",
      );
    }
    expect(updateProviderBodySchema.parse({ apiKeyHeader: "api-key" })).toEqual({
      apiKeyHeader: "api-key",
    });
  });

  it("refuses a key with spaces or line breaks inside, and trims those around it", () => {
    expect(updateProviderBodySchema.safeParse({ apiKey: "sk-one two" }).success).toBe(false);
    expect(updateProviderBodySchema.safeParse({ apiKey: "sk-one\ntwo" }).success).toBe(false);
    expect(updateProviderBodySchema.parse({ apiKey: " sk-one\n" })).toEqual({ apiKey: "sk-one" });
  });
});
