import { z } from "zod";

export const roleSchema = z.enum(["admin", "editor", "viewer"]);
export type Role = z.infer<typeof roleSchema>;

/** What a principal may do. Routes name one; roles grant a set. Finer roles extend this map. */
export const PERMISSIONS = [
  "prompt:read",
  "prompt:write",
  "label:move",
  "label:move-protected",
  "environment:manage",
  "apikey:manage",
  "provider:read",
  "provider:manage",
  "price:manage",
  "gateway:call",
  "trace:read",
  "trace:write",
  // The whole audit log names every key, provider and change: admins only.
  "audit:read",
  "dataset:read",
  "dataset:write",
  "evaluation:read",
  "evaluation:run",
  "gate:manage",
  "gate:override",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  editor: new Set([
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
  ]),
  // Applications run with viewer keys: they resolve prompts, call the gateway and report traces.
  viewer: new Set([
    "prompt:read",
    "provider:read",
    "gateway:call",
    "trace:read",
    "trace:write",
    "dataset:read",
    "evaluation:read",
  ]),
};

/** Who is calling: an API key today, a user account later. */
export interface Principal {
  projectId: string;
  role: Role;
  /** How audit records name the actor, e.g. `apikey:ci-bot`. */
  actor: string;
  /** The API key's id (also behind a web session): what per-key limits and the access log use. */
  keyId?: string;
}

/** Whether the principal's role grants the permission (only the role decides). */
export function can(principal: Pick<Principal, "role">, permission: Permission): boolean {
  return GRANTS[principal.role].has(permission);
}

/** Why the principal may not move a label of this environment, or undefined if it may. */
export function labelMoveRefusal(
  principal: Pick<Principal, "role">,
  environment: { name: string; protected: boolean },
): string | undefined {
  if (!can(principal, "label:move")) {
    return `moving labels needs the 'label:move' permission, which the '${principal.role}' role does not have`;
  }
  if (environment.protected && !can(principal, "label:move-protected")) {
    return `environment '${environment.name}' is protected: moving it needs the admin role (your key has '${principal.role}')`;
  }
  return undefined;
}
