import { describe, expect, it } from "vitest";
import { Invalid } from "../errors/index.js";
import {
  assertJsonDepth,
  jsonDepthExceeds,
  MAX_JSON_DEPTH,
  tooDeeplyNested,
  valueDepthExceeds,
} from "./depth.js";

function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

function nestedValue(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe("JSON text depth", () => {
  it("allows exactly the limit and refuses one level more", () => {
    expect(jsonDepthExceeds(nestedArrays(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nestedArrays(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 2)).toBe(true);
  });

  it("counts siblings once, not cumulatively", () => {
    const wide = `[${Array.from({ length: 1000 }, () => '{"k":[1,2]}').join(",")}]`;
    expect(jsonDepthExceeds(wide, 3)).toBe(false);
  });

  it("ignores brackets inside strings, including after escaped quotes and backslashes", () => {
    const brackets = "[".repeat(200);
    expect(jsonDepthExceeds(JSON.stringify({ text: brackets }), 2)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ text: `say \\"${brackets}\\"` }), 2)).toBe(false);
    expect(
      jsonDepthExceeds(JSON.stringify({ text: `ends in a backslash \\`, more: [[[]]] }), 3),
    ).toBe(true);
    expect(
      jsonDepthExceeds(JSON.stringify({ text: `ends in a backslash \\`, more: [[[]]] }), 4),
    ).toBe(false);
  });

  it("scans hundreds of thousands of levels without overflowing the stack", () => {
    expect(jsonDepthExceeds(nestedArrays(500_000))).toBe(true);
  });

  it("treats scalars and malformed text as shallow and leaves errors to the parser", () => {
    expect(jsonDepthExceeds('"just a string"')).toBe(false);
    expect(jsonDepthExceeds("42")).toBe(false);
    expect(jsonDepthExceeds("]]]]{")).toBe(false);
  });
});

describe("value depth", () => {
  it("measures like the text scan", () => {
    for (const depth of [0, 1, 2, 20, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]) {
      const value = nestedValue(depth);
      expect(valueDepthExceeds(value)).toBe(jsonDepthExceeds(JSON.stringify(value)));
    }
    expect(valueDepthExceeds(nestedValue(MAX_JSON_DEPTH))).toBe(false);
    expect(valueDepthExceeds(nestedValue(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it("walks a value far deeper than the call stack allows", () => {
    expect(valueDepthExceeds(nestedValue(200_000))).toBe(true);
  });

  it("assertJsonDepth names what is too deep and the limit", () => {
    expect(() => assertJsonDepth({ ok: [1, 2, { x: 3 }] }, "config")).not.toThrow();
    expect(() => assertJsonDepth(nestedValue(100), "config")).toThrow(Invalid);
    expect(() => assertJsonDepth(nestedValue(100), "config")).toThrow(
      /config is nested more than 64 levels deep/,
    );
    expect(tooDeeplyNested("request body").details).toEqual({ maxDepth: MAX_JSON_DEPTH });
  });
});
