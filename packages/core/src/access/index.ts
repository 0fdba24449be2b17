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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  editor: new Set(["prompt:read", "prompt:write", "label:move"]),
  viewer: new Set(["prompt:read"]),
};

/** Who is calling: an API key today, a user account later. */
export interface Principal {
  projectId: string;
  role: Role;
  /** How audit records name the actor, e.g. `apikey:ci-bot`. */
  actor: string;
}

export function can(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].has(permission);
}
