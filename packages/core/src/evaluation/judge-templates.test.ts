import { describe, expect, it } from "vitest";
import { promptContentSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";
import { compileContent, validateContent } from "../template/index.js";
import { JUDGE_TEMPLATES } from "./judge-templates.js";

describe("judge templates", () => {
  it("ship factuality, relevance, tone and safety, each a valid chat prompt over input, output and expected", () => {
    expect(JUDGE_TEMPLATES.map((t) => t.name)).toEqual([
      "judges/factuality",
      "judges/relevance",
      "judges/tone",
      "judges/safety",
    ]);
    for (const template of JUDGE_TEMPLATES) {
      expect(promptNameSchema.safeParse(template.name).success).toBe(true);
      expect(promptContentSchema.parse(template.content)).toEqual(template.content);
      const used = validateContent(template.content).map((v) => v.name);
      expect(used).toContain("input");
      expect(used).toContain("output");
      const compiled = compileContent(template.content, {
        input: '{"question":"Where is my invoice?"}',
        output: "Under Billing.",
        expected: "",
      });
      const text = JSON.stringify(compiled);
      expect(text).toContain("Under Billing.");
      expect(text).toContain('\\"score\\"');
    }
  });
});
