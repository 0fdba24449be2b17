import { describe, expect, it } from "vitest";
import type { PromptContent } from "../prompt/content.js";
import { compileContent, extractVariables, MAX_SECTION_DEPTH, validateContent } from "./index.js";

const chat: PromptContent = {
  type: "chat",
  messages: [
    { role: "system", content: "You help {{company}} customers. {{#vip}}Be extra kind.{{/vip}}" },
    { type: "placeholder", name: "history" },
    { role: "user", content: "{{question}}" },
  ],
  variables: { company: { type: "string", default: "Acme" } },
};

describe("templates", () => {
  it("extracts variables in first-use order, sections as optional", () => {
    expect(extractVariables(chat)).toEqual([
      { name: "company", usedAsValue: true },
      { name: "vip", usedAsValue: false },
      { name: "question", usedAsValue: true },
    ]);
  });

  it("compiles with defaults, splices history and leaves HTML unescaped", () => {
    const compiled = compileContent(
      chat,
      { question: "<b>refund?</b>", vip: true },
      {
        history: [{ role: "assistant", content: "Hi" }],
      },
    );
    expect(compiled).toEqual({
      type: "chat",
      messages: [
        { role: "system", content: "You help Acme customers. Be extra kind." },
        { role: "assistant", content: "Hi" },
        { role: "user", content: "<b>refund?</b>" },
      ],
    });
  });

  it("names every missing required variable", () => {
    const content: PromptContent = { type: "text", text: "{{a}} and {{b}}" };
    expect(() => compileContent(content, {})).toThrow("missing required variables: a, b");
  });

  it("checks variable types against the schema", () => {
    const content: PromptContent = {
      type: "text",
      text: "{{n}}",
      variables: { n: { type: "number" } },
    };
    expect(() => compileContent(content, { n: "three" })).toThrow("must be a number, got string");
    expect(compileContent(content, { n: 3 })).toEqual({ type: "text", text: "3" });
  });

  it("rejects an unclosed tag with where it is", () => {
    const content: PromptContent = {
      type: "chat",
      messages: [{ role: "user", content: "Hi {{name" }],
    };
    expect(() => validateContent(content)).toThrow(/messages\[0\]\.content: Unclosed tag/);
  });

  it("rejects a schema entry for a variable no template uses", () => {
    const content: PromptContent = {
      type: "text",
      text: "Hi",
      variables: { nme: { type: "string" } },
    };
    expect(() => validateContent(content)).toThrow("variables.nme");
  });

  it("never takes a variable from Object's prototype", () => {
    const content: PromptContent = { type: "text", text: "{{constructor}} {{toString}}" };
    expect(() => compileContent(content, {})).toThrow(
      "missing required variables: constructor, toString",
    );
    expect(compileContent(content, { constructor: "a", toString: "b" })).toEqual({
      type: "text",
      text: "a b",
    });
  });

  it("treats a variable with a default as optional, even if marked required", () => {
    const content: PromptContent = {
      type: "text",
      text: "{{tone}}",
      variables: { tone: { type: "string", required: true, default: "warm" } },
    };
    expect(compileContent(content, {})).toEqual({ type: "text", text: "warm" });
  });

  it("refuses sections nested too deeply to render", () => {
    const deep = `${"{{#a}}".repeat(MAX_SECTION_DEPTH + 1)}x${"{{/a}}".repeat(MAX_SECTION_DEPTH + 1)}`;
    expect(() => validateContent({ type: "text", text: deep })).toThrow("nested more than");
    const ok = `${"{{#a}}".repeat(MAX_SECTION_DEPTH)}x${"{{/a}}".repeat(MAX_SECTION_DEPTH)}`;
    expect(compileContent({ type: "text", text: ok }, { a: true }).type).toBe("text");
  });
});
