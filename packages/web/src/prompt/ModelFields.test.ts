import { describe, expect, it } from "vitest";
import { modelConfigOf, modelErrors, modelInputsOf } from "./ModelFields.js";

const inputs = { provider: "", model: "", temperature: "", maxTokens: "" };

describe("the model fields", () => {
  it("read a config into fields and back, leaving out what is empty", () => {
    const read = modelInputsOf({
      type: "text",
      text: "x",
      config: { provider: "main", model: "gpt-4o", temperature: 0.2, topP: 0.9 },
    });
    expect(read).toEqual({ provider: "main", model: "gpt-4o", temperature: "0.2", maxTokens: "" });
    expect(modelConfigOf(read)).toEqual({ provider: "main", model: "gpt-4o", temperature: 0.2 });
    expect(modelConfigOf(inputs)).toEqual({});
  });

  it("say what is wrong with a field in words, and build nothing while one is", () => {
    expect(modelErrors({ ...inputs, temperature: "2.5", maxTokens: "1.5" })).toEqual({
      temperature: "Temperature is a number from 0 to 2.",
      maxTokens: "Max tokens is a whole number from 1 to 1,000,000.",
    });
    expect(modelErrors({ ...inputs, temperature: "abc" })).toHaveProperty("temperature");
    expect(modelErrors({ ...inputs, temperature: "0", maxTokens: "1000000" })).toEqual({});
    expect(modelConfigOf({ ...inputs, maxTokens: "0" })).toBeUndefined();
  });
});
