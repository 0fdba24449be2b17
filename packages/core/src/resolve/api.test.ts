import { describe, expect, it } from "vitest";
import { compileBodySchema, resolveQuerySchema } from "./api.js";

describe("resolve query", () => {
  it("reads a label of up to 64 characters or a version number from the query string", () => {
    expect(resolveQuerySchema.parse({})).toEqual({});
    expect(resolveQuerySchema.parse({ label: "eu-prod" })).toEqual({ label: "eu-prod" });
    expect(resolveQuerySchema.parse({ version: "2" })).toEqual({ version: 2 });
    expect(resolveQuerySchema.safeParse({ label: "l".repeat(65) }).success).toBe(false);
    expect(resolveQuerySchema.safeParse({ version: "latest" }).success).toBe(false);
  });

  it("refuses a parameter it does not know, so a misspelt label never serves production", () => {
    expect(resolveQuerySchema.safeParse({ lable: "staging" }).error?.issues).toMatchObject([
      { code: "unrecognized_keys", keys: ["lable"] },
    ]);
  });
});

describe("compile body", () => {
  it("starts from no variables and no placeholders", () => {
    expect(compileBodySchema.parse({})).toEqual({ variables: {}, placeholders: {} });
  });

  it("fills placeholders named like variables with chat messages only", () => {
    const history = [{ role: "user", content: "hi" }];
    expect(compileBodySchema.parse({ placeholders: { history } }).placeholders).toEqual({
      history,
    });
    expect(compileBodySchema.safeParse({ placeholders: { "chat-history": history } }).success).toBe(
      false,
    );
    const nested = [{ type: "placeholder", name: "inner" }];
    expect(compileBodySchema.safeParse({ placeholders: { history: nested } }).success).toBe(false);
  });
});
