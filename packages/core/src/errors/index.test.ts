import { describe, expect, it } from "vitest";
import { problemSchema } from "./api.js";
import {
  Conflict,
  DomainError,
  Forbidden,
  Invalid,
  NotFound,
  RateLimited,
  Unauthorized,
  Unavailable,
  Unprocessable,
} from "./index.js";

describe("domain errors", () => {
  it.each([
    ["Invalid", Invalid, "invalid"],
    ["NotFound", NotFound, "not_found"],
    ["Conflict", Conflict, "conflict"],
    ["Unprocessable", Unprocessable, "unprocessable"],
    ["Forbidden", Forbidden, "forbidden"],
    ["Unauthorized", Unauthorized, "unauthorized"],
  ] as const)(
    "%s carries its code, message and details, and is named for its class",
    (name, Kind, code) => {
      const error = new Kind("what went wrong", { field: "name" });
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code, message: "what went wrong", details: { field: "name" } });
      expect(error.name).toBe(name);
      expect(String(error)).toBe(`${name}: what went wrong`);
    },
  );

  it("tell the caller when to try again after a limit or at capacity", () => {
    const limited = new RateLimited("too many traces", 2.5);
    expect(limited).toMatchObject({ code: "rate_limited", retryAfterSeconds: 2.5 });
    expect(limited.details).toBeUndefined();
    const busy = new Unavailable("at capacity", 1);
    expect(busy).toMatchObject({ code: "unavailable", retryAfterSeconds: 1, name: "Unavailable" });
    expect(busy).toBeInstanceOf(DomainError);
  });
});

describe("problem bodies", () => {
  it("need a whole-number status, a code and a message; details are optional and free-form", () => {
    const bare = { status: 404, code: "not_found", message: "no prompt named 'x'" };
    expect(problemSchema.parse(bare)).toEqual(bare);
    const detailed = { ...bare, status: 400, details: { issues: [{ path: "body.name" }] } };
    expect(problemSchema.parse(detailed)).toEqual(detailed);
    expect(problemSchema.safeParse({ ...bare, status: 404.5 }).success).toBe(false);
    expect(problemSchema.safeParse({ status: 500, code: "internal" }).success).toBe(false);
  });
});
