import { ApiError } from "@promptline/client";
import { describe, expect, it } from "vitest";
import { fieldErrors, sentence } from "./fieldErrors.js";

const refused = (issues: unknown) =>
  new ApiError(400, {
    status: 400,
    code: "invalid",
    message: "body.name: a prompt name is …",
    details: { issues },
  });

describe("field errors", () => {
  it("puts each problem next to the field it names, in a sentence, without the request's path", () => {
    const errors = fieldErrors(
      refused([
        { path: "body.name", message: "a prompt name is at most 200 characters" },
        { path: "body.tags.0", message: "a tag is at most 40 characters" },
        { path: "body.tags.1", message: "a second message for the same field" },
        { path: "query.limit", message: "too big" },
      ]),
    );
    expect(errors.fields).toEqual({
      name: "A prompt name is at most 200 characters.",
      tags: "A tag is at most 40 characters.",
    });
    expect(errors.general).toBe("Too big.");
  });

  it("keeps a message that names no field for the form as a whole", () => {
    expect(fieldErrors(new Error("the server cannot be reached"))).toEqual({
      fields: {},
      general: "The server cannot be reached.",
    });
    expect(fieldErrors(refused([]))).toMatchObject({ general: "A prompt name is …." });
  });

  it("writes a message as a sentence", () => {
    expect(sentence("done!")).toBe("Done!");
    expect(sentence("  ")).toBe("");
  });
});
