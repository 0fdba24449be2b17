import { describe, expect, it } from "vitest";
import {
  caseFromCsvRecord,
  caseFromJsonLine,
  caseToCsvLine,
  caseToJsonLine,
  csvHeader,
  csvHeaderProblem,
  outputText,
} from "./formats.js";

describe("JSONL lines", () => {
  it("read a CaseWrite object, with defaults for what it leaves out", () => {
    const line = '{"input":{"variables":{"q":"refund?"}},"expected":"yes","tags":["edge"]}';
    expect(caseFromJsonLine(line)).toEqual({
      ok: true,
      value: {
        input: { variables: { q: "refund?" } },
        expected: "yes",
        tags: ["edge"],
        metadata: {},
      },
    });
  });

  it("take top-level variables and placeholders as the input, for convenience", () => {
    const placeholders = { history: [{ role: "user", content: "hi" }] };
    const parsed = caseFromJsonLine(JSON.stringify({ variables: { q: "x" }, placeholders }));
    expect(parsed).toMatchObject({
      ok: true,
      value: { input: { variables: { q: "x" }, placeholders } },
    });
  });

  it("say what is wrong: not JSON, not an object, or the field that is bad", () => {
    expect(caseFromJsonLine("{oops")).toMatchObject({
      ok: false,
      message: expect.stringContaining("not JSON"),
    });
    expect(caseFromJsonLine("[1]")).toMatchObject({
      ok: false,
      message: expect.stringContaining("JSON object"),
    });
    const bad = caseFromJsonLine('{"input":{"variables":{}},"tags":["has space"]}');
    expect(bad).toMatchObject({ ok: false, message: expect.stringContaining("tags.0") });
    const unknown = caseFromJsonLine('{"input":{"variables":{}},"expectd":"x"}');
    expect(unknown).toMatchObject({ ok: false, message: expect.stringContaining("expectd") });
  });
});

describe("CSV records", () => {
  const header = ["question", "customer", "expected", "tags", "metadata", "placeholders"];

  it("make every other column a string variable and read the reserved ones", () => {
    const parsed = caseFromCsvRecord(header, [
      "Where is it?",
      "Ada",
      "In transit",
      "edge, vip",
      '{"from":"crm"}',
      "",
    ]);
    expect(parsed).toEqual({
      ok: true,
      value: {
        input: { variables: { question: "Where is it?", customer: "Ada" } },
        expected: "In transit",
        tags: ["edge", "vip"],
        metadata: { from: "crm" },
      },
    });
  });

  it("leave an empty cell's field out and name a column whose JSON is bad", () => {
    expect(caseFromCsvRecord(header, ["q", "", "", "", "", ""])).toEqual({
      ok: true,
      value: { input: { variables: { question: "q" } }, tags: [], metadata: {} },
    });
    expect(caseFromCsvRecord(header, ["q", "", "", "", "{nope", ""])).toMatchObject({
      ok: false,
      message: expect.stringContaining("metadata: not JSON"),
    });
  });

  it("refuse a header with a blank or repeated column", () => {
    expect(csvHeaderProblem(["a", "", "b"])).toContain("column 2");
    expect(csvHeaderProblem(["a", "a"])).toContain("twice");
    expect(csvHeaderProblem(["a", "expected"])).toBeUndefined();
  });
});

describe("nesting", () => {
  const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it("refuses a JSONL line or a CSV JSON cell nested deeper than a request body may be", () => {
    const deep = `{"variables":{"q":"a"},"metadata":{"x":${nested(62)}}}`;
    expect(caseFromJsonLine(deep)).toEqual({ ok: true, value: expect.anything() });
    const tooDeep = `{"variables":{"q":"a"},"metadata":{"x":${nested(63)}}}`;
    expect(caseFromJsonLine(tooDeep)).toEqual({
      ok: false,
      message: expect.stringContaining("nested more than 64 levels deep"),
    });
    expect(caseFromJsonLine(`{"variables":${nested(1_500_000)}}`)).toMatchObject({ ok: false });
    expect(caseFromCsvRecord(["q", "metadata"], ["a", `{"x":${nested(64)}}`])).toEqual({
      ok: false,
      message: expect.stringContaining("metadata: nested more than 64 levels deep"),
    });
    expect(caseFromCsvRecord(["q", "placeholders"], ["a", `{"x":${nested(64)}}`])).toEqual({
      ok: false,
      message: expect.stringContaining("placeholders: nested more than 64 levels deep"),
    });
  });
});

describe("written cases", () => {
  const written = {
    input: { variables: { question: 'He said "hi", then\nleft' } },
    expected: "ok",
    tags: ["edge", "regression"],
    metadata: { traceId: "t-1" },
  };

  it("read back as the same case from JSONL", () => {
    expect(caseFromJsonLine(caseToJsonLine(written))).toEqual({ ok: true, value: written });
  });

  it("are written to CSV quoted where a cell holds quotes, commas or line breaks", () => {
    const header = csvHeader(["question"]);
    expect(header).toBe("question,expected,tags,metadata,placeholders");
    const line = caseToCsvLine(["question"], written);
    expect(line).toBe('"He said ""hi"", then\nleft",ok,"edge,regression","{""traceId"":""t-1""}",');
  });
});

describe("a trace's output as text", () => {
  it("is the text of the assistant's messages, a string as it is, or JSON otherwise", () => {
    expect(outputText([{ role: "assistant", content: "Hello" }])).toBe("Hello");
    expect(
      outputText([
        {
          role: "assistant",
          content: [
            { type: "text", text: "He" },
            { type: "text", text: "llo" },
          ],
        },
      ]),
    ).toBe("Hello");
    expect(outputText("plain")).toBe("plain");
    expect(outputText({ answer: 42 })).toBe('{"answer":42}');
    expect(outputText(null)).toBeNull();
  });
});
