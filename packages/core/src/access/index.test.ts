import { describe, expect, it } from "vitest";
import { can, labelMoveRefusal, PERMISSIONS, type Principal, type Role } from "./index.js";

const as = (role: Role): Principal => ({ projectId: "p1", role, actor: `apikey:${role}` });
const granted = (role: Role) => PERMISSIONS.filter((permission) => can(as(role), permission));

describe("roles", () => {
  it("grant admins every permission", () => {
    expect(granted("admin")).toEqual([...PERMISSIONS]);
  });

  it("let editors change prompts, move unprotected labels, call providers and run evaluations, but manage nothing", () => {
    expect(granted("editor")).toEqual([
      "prompt:read",
      "prompt:write",
      "label:move",
      "provider:read",
      "gateway:call",
      "trace:read",
      "trace:write",
      "dataset:read",
      "dataset:write",
      "evaluation:read",
      "evaluation:run",
    ]);
  });

  it("let viewers do what an application does (read prompts, call the gateway, report traces) and read datasets and results", () => {
    expect(granted("viewer")).toEqual([
      "prompt:read",
      "provider:read",
      "gateway:call",
      "trace:read",
      "trace:write",
      "dataset:read",
      "evaluation:read",
    ]);
  });
});

describe("label moves", () => {
  const production = { name: "production", protected: true };
  const staging = { name: "staging", protected: false };

  it("are refused to viewers anywhere, naming the missing permission", () => {
    for (const environment of [production, staging]) {
      expect(labelMoveRefusal(as("viewer"), environment)).toBe(
        "moving labels needs the 'label:move' permission, which the 'viewer' role does not have",
      );
    }
  });

  it("are refused to editors only in protected environments, naming the environment", () => {
    expect(labelMoveRefusal(as("editor"), staging)).toBeUndefined();
    expect(labelMoveRefusal(as("editor"), production)).toBe(
      "environment 'production' is protected: moving it needs the admin role (your key has 'editor')",
    );
  });

  it("are allowed to admins in every environment", () => {
    expect(labelMoveRefusal(as("admin"), production)).toBeUndefined();
    expect(labelMoveRefusal(as("admin"), staging)).toBeUndefined();
  });
});
