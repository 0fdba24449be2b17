import { describe, expect, it, vi } from "vitest";
import { Invalid } from "../errors/index.js";
import type { PromptContent } from "../prompt/content.js";
import { checkDefaultsRender, compileContent } from "./index.js";

const text = (template: string, variables?: PromptContent["variables"]): PromptContent => ({
  type: "text",
  text: template,
  ...(variables && { variables }),
});

/** What the output of a text compile is. */
const rendered = (content: PromptContent, variables: Record<string, unknown> = {}) => {
  const compiled = compileContent(content, variables);
  return compiled.type === "text" ? compiled.text : "";
};

describe("what a template may read from its variables", () => {
  it("never runs an array method a template names: they render as missing, and the default stays as it was", () => {
    const content = text("[{{#m}}{{pop}}{{sort}}{{push}}{{#fill}}x{{/fill}}{{reverse}}{{/m}}]", {
      m: { type: "array", default: [[5, 1, 4, 2, 3]] },
    });
    checkDefaultsRender(content);
    const answers = [1, 2, 3].map(() => rendered(content));
    expect(answers).toEqual(["[]", "[]", "[]"]);
    expect(content.variables?.m?.default).toEqual([[5, 1, 4, 2, 3]]);
  });

  it("leaves a caller's long array in its order: sort is never run on it", () => {
    const items = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(rendered(text("{{#m}}{{sort}}{{/m}}."), { m: [items] })).toBe(".");
    expect(items[0]).toBe(1000);
    expect(Object.isFrozen(items)).toBe(false);
  });

  it("reads only own data: inherited names render as missing inside a section", () => {
    const names = ["constructor", "hasOwnProperty", "valueOf", "__proto__", "toString"];
    const template = `{{#o}}${names.map((n) => `{{${n}}}`).join("|")}|{{constructor.name}}{{/o}}`;
    expect(rendered(text(template), { o: {} })).toBe("|||||");
    expect(rendered(text(template), { o: [1] })).toBe("|||||");
    expect(rendered(text("<{{#s}}{{constructor.raw}}{{toUpperCase}}{{/s}}>"), { s: "abc" })).toBe(
      "<>",
    );
  });

  it("treats a top-level name like hasOwnProperty as an ordinary variable", () => {
    const content = text("{{hasOwnProperty}}|{{valueOf}}");
    expect(() => checkDefaultsRender(content)).not.toThrow();
    expect(() => compileContent(content, {})).toThrow(
      "missing required variables: hasOwnProperty, valueOf",
    );
    expect(rendered(content, { hasOwnProperty: "a", valueOf: "b" })).toBe("a|b");
  });

  it("renders behind a false section, then with the flag on, without failing", () => {
    const content = text("{{s}}{{#flag}}{{#s}}[{{constructor.raw}}]{{/s}}{{/flag}}");
    expect(() => checkDefaultsRender(content)).not.toThrow();
    expect(rendered(content, { flag: true, s: "abc" })).toBe("abc[]");
  });

  it("reads an own property named like a built-in as data, and writes such an object safely", () => {
    const o = { toString: "own", valueOf: "mine" };
    expect(rendered(text("{{#o}}{{toString}} {{valueOf}}{{/o}}"), { o })).toBe("own mine");
    expect(rendered(text("{{o}} {{list}}"), { o, list: [o, [null, 2]] })).toBe(
      "[object Object] [object Object],,2",
    );
  });

  it("reads the length of arrays and strings as data", () => {
    const template = "{{list.length}} {{s.length}} {{s.0}} {{#m}}{{length}}{{/m}}";
    expect(rendered(text(template), { list: [1, 2, 3], s: "abcd", m: [[1, 2], [3]] })).toBe(
      "3 4 a 21",
    );
  });

  it("never calls a function it is given", () => {
    const f = vi.fn(() => "called");
    expect(rendered(text("<{{f}}>{{#f}}x{{/f}}{{#o}}{{g}}{{/o}}"), { f, o: { g: f } })).toBe("<>");
    expect(f).not.toHaveBeenCalled();
  });

  it("freezes a schema's default, so nothing after a render can change it", () => {
    const content = text("{{#m}}{{.}}{{/m}}", { m: { type: "array", default: [[1, { a: 2 }]] } });
    expect(rendered(content)).toBe("1,[object Object]");
    const fallback = content.variables?.m?.default as [[number, { a: number }]];
    expect(Object.isFrozen(fallback) && Object.isFrozen(fallback[0])).toBe(true);
    expect(Object.isFrozen(fallback[0][1])).toBe(true);
  });

  it("refuses a value too deep to write with a 400 naming the template, not a crash", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let refused: unknown;
    try {
      compileContent(text("{{d}}"), { d: deep });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(Invalid);
    expect((refused as Invalid).message).toMatch(/^text: /);
    expect((refused as Invalid).details).toEqual({ path: "text" });
  });
});
