import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL_PRICES, PriceTable } from "./cost.js";
import { createRedactor, parseRedactionRule } from "./redact.js";

describe("redaction", () => {
  const redact = createRedactor(["email", "phone", "card", "api_key"]);

  it("replaces emails, phone numbers, card numbers and API keys inside nested values", () => {
    const input = {
      messages: [
        { role: "user", content: "I am jane.doe@example.co.uk, call me on +44 20 7946 0958" },
        { role: "user", content: "card 4111 1111 1111 1111 and key sk-proj-abcdefghijklmnop1234" },
      ],
      n: 3,
    };
    expect(redact(input)).toEqual({
      messages: [
        { role: "user", content: "I am [REDACTED:email], call me on [REDACTED:phone]" },
        { role: "user", content: "card [REDACTED:card] and key [REDACTED:api_key]" },
      ],
      n: 3,
    });
    expect(input.messages[0]?.content).toContain("jane.doe@example.co.uk");
  });

  it("leaves numbers that are not cards or phones alone", () => {
    expect(redact("order 1234567890123 costs 12.50 on 2026-11-27")).toBe(
      "order 1234567890123 costs 12.50 on 2026-11-27",
    );
  });

  it("applies custom named patterns and refuses ones that do not compile", () => {
    const custom = createRedactor([], [parseRedactionRule("order=ORD-\\d{6}", 0)]);
    expect(custom("see ORD-123456")).toBe("see [REDACTED:order]");
    expect(() => parseRedactionRule("([", 0)).toThrow(/not a valid regular expression/);
  });
});

describe("price table", () => {
  it("prices dated snapshots and provider-prefixed names by their base model", () => {
    const table = new PriceTable(DEFAULT_MODEL_PRICES);
    expect(table.costOf("gpt-4o-2024-08-06", { inputTokens: 1_000_000, outputTokens: 0 })).toBe(
      2.5,
    );
    expect(table.costOf("openai/gpt-4o-mini", { inputTokens: 0, outputTokens: 1_000_000 })).toBe(
      0.6,
    );
    expect(table.costOf("unknown-model", { inputTokens: 10 })).toBeUndefined();
  });

  it("lets a project's price win over the default", () => {
    const table = new PriceTable(DEFAULT_MODEL_PRICES, [
      { model: "gpt-4o", inputPerMillion: 1, outputPerMillion: 1 },
    ]);
    expect(table.costOf("gpt-4o", { inputTokens: 500_000, outputTokens: 500_000 })).toBe(1);
  });
});
