import {
  type CreateEnvironmentBody,
  type Environment,
  environmentNameSchema,
  NotFound,
  type Principal,
} from "@promptline/core";
import { nowIso, type ServiceContext } from "../context.js";
import { createWithEvent } from "../event/write.js";
import type { EnvironmentRow } from "../storage/database.js";
import { findEnvironment, insertEnvironment, listEnvironments } from "./store.js";

function presentEnvironment(e: EnvironmentRow): Environment {
  return { name: e.name, protected: e.protected, createdAt: e.createdAt, createdBy: e.createdBy };
}

export interface EnvironmentService {
  listEnvironments(principal: Principal): Promise<Environment[]>;
  createEnvironment(principal: Principal, body: CreateEnvironmentBody): Promise<Environment>;
  /** The environment or a 404 that says how to create it. */
  requireEnvironment(projectId: string, name: string): Promise<EnvironmentRow>;
}

export function createEnvironmentService(ctx: ServiceContext): EnvironmentService {
  const { db } = ctx.engine;
  return {
    async listEnvironments(principal) {
      return (await listEnvironments(db, principal.projectId)).map(presentEnvironment);
    },

    async createEnvironment(principal, body) {
      const env: EnvironmentRow = {
        id: ctx.newId(),
        projectId: principal.projectId,
        name: body.name,
        protected: body.protected,
        createdAt: nowIso(ctx),
        createdBy: principal.actor,
      };
      await createWithEvent(
        ctx,
        (trx) => insertEnvironment(trx, env),
        {
          projectId: env.projectId,
          type: "environment.created",
          subject: env.name,
          payload: { protected: env.protected },
          actor: principal.actor,
          at: env.createdAt,
        },
        `environment '${body.name}' already exists`,
      );
      return presentEnvironment(env);
    },

    async requireEnvironment(projectId, name) {
      const found = environmentNameSchema.safeParse(name).success
        ? await findEnvironment(db, projectId, name)
        : undefined;
      if (!found) {
        throw new NotFound(
          `no environment named '${name}' — list them with GET /api/v1/environments or create it with POST /api/v1/environments`,
        );
      }
      return found;
    },
  };
}
