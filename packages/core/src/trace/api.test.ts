import { describe, expect, it } from "vitest";
import { metricsQuerySchema, traceListQuerySchema } from "./api.js";

describe("trace list query", () => {
  it("reads score bounds and the page size from query strings: 50 by default, 1 to 500", () => {
    expect(traceListQuerySchema.parse({ scoreName: "feedback", minScore: "0.5" })).toEqual({
      scoreName: "feedback",
      minScore: 0.5,
      limit: 50,
    });
    expect(traceListQuerySchema.parse({ limit: "500" }).limit).toBe(500);
    expect(traceListQuerySchema.safeParse({ limit: "501" }).success).toBe(false);
    expect(traceListQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(traceListQuerySchema.safeParse({ minScore: "high" }).success).toBe(false);
  });

  it("refuses a parameter it does not know, so a misspelt filter never lists everything", () => {
    const result = traceListQuerySchema.safeParse({ promt: "support/refund-agent" });
    expect(result.error?.issues).toMatchObject([{ code: "unrecognized_keys", keys: ["promt"] }]);
  });

  it("refuses a version past what storage can hold", () => {
    expect(traceListQuerySchema.parse({ version: "2147483647" }).version).toBe(2_147_483_647);
    expect(traceListQuerySchema.safeParse({ version: "2147483648" }).success).toBe(false);
  });
});

describe("version metrics query", () => {
  it("needs the prompt whose versions it compares, and buckets by day unless told", () => {
    expect(metricsQuerySchema.safeParse({}).success).toBe(false);
    expect(metricsQuerySchema.parse({ prompt: "support/refund-agent" })).toEqual({
      prompt: "support/refund-agent",
      bucket: "day",
    });
  });
});
