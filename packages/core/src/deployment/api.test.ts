import { describe, expect, it } from "vitest";
import {
  deployBodySchema,
  deploymentHistoryQuerySchema,
  labelAtQuerySchema,
  rollbackBodySchema,
} from "./api.js";

describe("deploy and rollback bodies", () => {
  it("trim the reason and keep it to 2,000 characters", () => {
    expect(
      deployBodySchema.parse({ environment: "staging", version: 2, reason: "  hotfix\n" }),
    ).toEqual({ environment: "staging", version: 2, reason: "hotfix" });
    const long = { environment: "staging", toVersion: 1, reason: "x".repeat(2001) };
    expect(rollbackBodySchema.safeParse(long).error?.issues[0]?.path).toEqual(["reason"]);
  });

  it("let a rollback name no version, which undoes the label's last move", () => {
    expect(rollbackBodySchema.parse({ environment: "production" })).toEqual({
      environment: "production",
    });
  });

  it("refuse environment names that cannot exist, such as 'latest' or upper case", () => {
    for (const environment of ["latest", "Production", ""]) {
      expect(deployBodySchema.safeParse({ environment, version: 1 }).success, environment).toBe(
        false,
      );
    }
  });
});

describe("deployment history query", () => {
  it("pages 100 deployments by default, at most 1,000, before a deployment id", () => {
    expect(deploymentHistoryQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(deploymentHistoryQuerySchema.parse({ limit: "1000", before: "42" })).toEqual({
      limit: 1000,
      before: 42,
    });
    expect(deploymentHistoryQuerySchema.safeParse({ limit: "1001" }).success).toBe(false);
    expect(deploymentHistoryQuerySchema.safeParse({ before: "0" }).success).toBe(false);
  });
});

describe("label-at query", () => {
  it("needs an environment and an instant with its time zone", () => {
    const at = "2026-01-02T03:04:05+02:00";
    expect(labelAtQuerySchema.parse({ environment: "production", at })).toEqual({
      environment: "production",
      at,
    });
    expect(labelAtQuerySchema.safeParse({ environment: "production" }).success).toBe(false);
    const local = { environment: "production", at: "2026-01-02T03:04:05" };
    expect(labelAtQuerySchema.safeParse(local).success).toBe(false);
  });
});
