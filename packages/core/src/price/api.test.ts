import { describe, expect, it } from "vitest";
import { modelNameSchema, setModelPriceBodySchema } from "./api.js";

describe("model names", () => {
  it("are 1 to 200 characters without whitespace, provider prefixes and snapshots included", () => {
    for (const model of ["gpt-4o", "openai/gpt-4o-2024-08-06", "claude@2025", "m".repeat(200)]) {
      expect(modelNameSchema.safeParse(model).success, model).toBe(true);
    }
    expect(modelNameSchema.safeParse("gpt 4o").error?.issues[0]?.message).toBe(
      "a model name has no whitespace",
    );
    expect(modelNameSchema.safeParse("").success).toBe(false);
    expect(modelNameSchema.safeParse("m".repeat(201)).success).toBe(false);
  });
});

describe("model price bodies", () => {
  it("take both prices, from free up to 100,000 USD per million tokens", () => {
    const free = { inputPerMillion: 0, outputPerMillion: 0 };
    expect(setModelPriceBodySchema.parse(free)).toEqual(free);
    const dearest = { inputPerMillion: 100_000, outputPerMillion: 0.25 };
    expect(setModelPriceBodySchema.parse(dearest)).toEqual(dearest);
    const tooDear = { inputPerMillion: 1, outputPerMillion: 100_001 };
    expect(setModelPriceBodySchema.safeParse(tooDear).error?.issues[0]?.path).toEqual([
      "outputPerMillion",
    ]);
    expect(setModelPriceBodySchema.safeParse({ inputPerMillion: 1 }).success).toBe(false);
  });
});
