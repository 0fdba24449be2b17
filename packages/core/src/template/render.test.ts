import Mustache from "mustache";
import { describe, expect, it } from "vitest";
import { Invalid } from "../errors/index.js";
import type { PromptContent } from "../prompt/content.js";
import {
  checkDefaultsRender,
  compileContent,
  extractVariables,
  MAX_RENDER_STEPS,
  MAX_REPEATED_CHARS,
  MAX_TAG_NAME_LENGTH,
  resolveVariables,
  validateContent,
} from "./index.js";

/** The error a call throws, so a test can look at its message and details. */
function failureOf(call: () => unknown): Invalid {
  try {
    call();
  } catch (error) {
    if (error instanceof Invalid) return error;
    throw error;
  }
  throw new Error("expected the call to be refused");
}

const text = (template: string, variables?: PromptContent["variables"]): PromptContent => ({
  type: "text",
  text: template,
  ...(variables && { variables }),
});

/** What the output of a text compile is. */
const rendered = (content: PromptContent, variables: Record<string, unknown>) => {
  const compiled = compileContent(content, variables);
  return compiled.type === "text" ? compiled.text : "";
};

describe("render limits", () => {
  const eightDeep = text(`${"{{#a}}".repeat(8)}x${"{{/a}}".repeat(8)}`, {
    a: { type: "array", default: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
  });

  it("refuses sections nested 8 deep over a ten-item default, naming the step limit", () => {
    const refused = failureOf(() => compileContent(eightDeep, {}));
    expect(refused.message).toContain(
      `text: rendering takes more than ${MAX_RENDER_STEPS.toLocaleString("en-US")} steps (the render step limit)`,
    );
    expect(refused.details).toEqual({ path: "text", limit: "renderSteps", max: MAX_RENDER_STEPS });
  });

  it("refuses saving a prompt whose defaults alone pass a limit, and says so", () => {
    expect(() => checkDefaultsRender(eightDeep)).toThrow(
      /render step limit.*with the schema's defaults alone/,
    );
    const small = text(eightDeep.type === "text" ? eightDeep.text : "", {
      a: { type: "array", default: [1] },
    });
    expect(() => checkDefaultsRender(small)).not.toThrow();
  });

  it("refuses a small request that asks for a million-character render, naming the repeated-text limit", () => {
    const content = text("{{title}}{{#sections}}\n## {{title}}{{/sections}}");
    const variables = { title: "x".repeat(2000), sections: Array(500).fill(0) };
    expect(JSON.stringify(variables).length).toBeLessThan(4096);
    const refused = failureOf(() => compileContent(content, variables));
    expect(refused.message).toContain(
      `text: the rendered prompt repeats more than ${MAX_REPEATED_CHARS.toLocaleString("en-US")} characters (the repeated-text limit)`,
    );
    expect(refused.details).toMatchObject({ limit: "repeatedChars", max: MAX_REPEATED_CHARS });
  });

  it("counts the limits over all the messages of a chat prompt, naming the message", () => {
    const loop = "{{#items}}{{note}}{{/items}}";
    const content: PromptContent = {
      type: "chat",
      messages: [
        { role: "system", content: loop },
        { role: "user", content: loop },
      ],
    };
    const items = Array.from({ length: 150 }, () => ({ note: "n".repeat(1000) }));
    // Each message alone repeats 149,000 characters; the second one passes the limit.
    expect(failureOf(() => compileContent(content, { items })).details).toMatchObject({
      path: "messages[1].content",
      limit: "repeatedChars",
    });
  });

  it("renders a long value given once, however long, and a loop over a thousand items", () => {
    const doc = "d".repeat(2 * MAX_REPEATED_CHARS);
    expect(rendered(text("Summarise: {{doc}}"), { doc })).toBe(`Summarise: ${doc}`);
    const items = Array.from({ length: 1000 }, (_, i) => ({ name: `item ${i}`, price: i }));
    const list = rendered(text("{{#items}}- {{name}}: {{price}}\n{{/items}}"), { items });
    expect(list.split("\n")).toHaveLength(1001);
    expect(list).toContain("- item 999: 999\n");
  });

  it("renders templates exactly as Mustache does", () => {
    const variables = {
      user: { name: "Ada", tags: ["a", "b"], address: { city: "Paris" } },
      items: [{ n: 1 }, { n: 2, extra: "<b>" }],
      empty: [],
      count: 0,
      flag: true,
      list: [1, 2, 3],
    };
    const templates = [
      "Hi {{user.name}} from {{user.address.city}}, tags {{user.tags}} {{{user.tags}}} {{&user}}",
      "{{user}}{{#items}}[{{n}}{{#extra}} {{extra}}{{/extra}}{{^extra}} none{{/extra}} {{user.name}}]{{/items}}",
      "{{^empty}}nothing{{/empty}}{{#empty}}never{{/empty}} {{count}} {{#flag}}yes{{/flag}}",
      "{{#list}}{{.}},{{/list}} {{#user}}{{name}} {{#tags}}<{{.}}>{{/tags}}{{/user}}{{! note }}",
      "{{=<% %>=}}<% user.name %> {{literal}}<%={{ }}=%> {{count}}\n  {{#flag}}\n  line\n  {{/flag}}\n",
    ];
    for (const template of templates) {
      const content = text(template);
      // Mustache sees what a compile sees: the variables the template uses at its top level.
      const view = resolveVariables(extractVariables(content), undefined, variables);
      expect(rendered(content, variables)).toBe(
        Mustache.render(template, view, undefined, { escape: String }),
      );
    }
  });

  it("refuses a tag name too long to look up cheaply", () => {
    const name = "x".repeat(MAX_TAG_NAME_LENGTH + 1);
    expect(() => validateContent(text(`{{#a}}{{${name}}}{{/a}}`))).toThrow(
      `longer than ${MAX_TAG_NAME_LENGTH} characters`,
    );
    expect(() => validateContent(text(`{{${"y".repeat(MAX_TAG_NAME_LENGTH)}}}`))).not.toThrow();
  });
});
