import { describe, expect, it } from "vitest";
import { gatewayRequestSchema } from "./api.js";

describe("gateway request", () => {
  it("passes on OpenAI fields it does not know and starts from no messages", () => {
    expect(
      gatewayRequestSchema.parse({ model: "gpt-4o-mini", temperature: 0.2, tools: [] }),
    ).toEqual({ model: "gpt-4o-mini", temperature: 0.2, tools: [], messages: [] });
  });

  it("refuses a promptline field it does not know, so a misspelt one is never ignored", () => {
    const result = gatewayRequestSchema.safeParse({
      model: "prompt:support/refund-agent",
      promptline: { varables: { name: "Ada" } },
    });
    expect(result.error?.issues).toMatchObject([
      { code: "unrecognized_keys", keys: ["varables"], path: ["promptline"] },
    ]);
  });
});
