import type { PromptContent } from "@promptline/core";
import { describe, expect, it } from "vitest";
import {
  parseJsonField,
  readSettings,
  type SettingsInputs,
  settingsInputsOf,
} from "./draftSettings.js";

const empty = settingsInputsOf({ type: "text", text: "x" });

describe("the draft's settings as fields", () => {
  it("read a draft into fields and back to the same content", () => {
    const content: PromptContent = {
      type: "text",
      text: "{{city}} {{days}} {{tags}}",
      variables: {
        city: { type: "string", required: true, default: "Oslo", description: "Where" },
        days: { type: "number", default: 3 },
        tags: { type: "array", default: ["a"] },
      },
      config: {
        topP: 0.9,
        stop: ["END"],
        tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
        responseFormat: {
          type: "json_schema",
          name: "answer",
          schema: { type: "object" },
          strict: true,
        },
        extra: { seed: 7 },
      },
      constraints: { jsonSchema: { type: "object" }, maxLength: 500, pattern: "^\\{" },
    };
    const { parts, errors } = readSettings(settingsInputsOf(content));
    expect(errors).toEqual({});
    expect(parts).toEqual({
      variables: content.variables,
      config: content.config,
      constraints: content.constraints,
    });
    expect(readSettings(empty)).toEqual({ parts: {}, errors: {} });
  });

  it("say what is wrong with each field in words, with the line of a JSON mistake", () => {
    const inputs: SettingsInputs = {
      ...empty,
      variables: {
        days: { type: "number", required: false, defaultText: "three", description: "" },
        flag: { type: "boolean", required: false, defaultText: "yes", description: "" },
        list: { type: "array", required: false, defaultText: "{}", description: "" },
      },
      topP: "1.5",
      tools: '[\n  {"type": "function",\n   "function": {"name": "has space"}}\n]',
      responseFormat: "json_schema",
      schemaName: "",
      schemaJson: "{\n  type: object\n}",
      extra: "[1]",
      maxLength: "0",
      pattern: "(",
    };
    const { errors } = readSettings(inputs);
    expect(errors).toEqual({
      "variables.days.default": "The default of days must be a number, such as 3 or 0.5.",
      "variables.flag.default": "The default of flag is true or false.",
      "variables.list.default": "The default of list must be a JSON array, in brackets: [ … ].",
      topP: "Top p is a number from 0 to 1.",
      tools: "Tool 1, function.name: a tool name has 1-64 letters, digits, _ or -.",
      schemaName: "Name the response's schema.",
      schemaJson:
        "The response's schema is not valid JSON (line 2): check the quotes, commas and brackets.",
      extra: "The other parameters must be a JSON object, in braces: { … }.",
      maxLength: "The maximum length is a whole number of characters, 1 or more.",
      pattern: expect.stringMatching(/^The pattern is not a regular expression: /),
    });
    expect(errors.tools).not.toMatch(/body\.|position/);
  });

  it("finds the line of a JSON mistake, and never names the parser's character position", () => {
    const said = parseJsonField("The tools", '[\n{"a": 1},\n{"b": 2,}\n]');
    expect(said).toEqual({
      error: "The tools are not valid JSON (line 3): check the quotes, commas and brackets.",
    });
  });
});
