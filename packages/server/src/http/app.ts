import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { registerApiKeyRoutes } from "../apiKey/routes.js";
import type { ApiKeyService } from "../apiKey/service.js";
import type { FeedHub } from "../changeFeed/hub.js";
import { registerChangeFeedRoutes } from "../changeFeed/routes.js";
import type { StreamOptions } from "../changeFeed/stream.js";
import { registerDeploymentRoutes } from "../deployment/routes.js";
import type { DeploymentService } from "../deployment/service.js";
import { registerEnvironmentRoutes } from "../environment/routes.js";
import type { EnvironmentService } from "../environment/service.js";
import { registerLangfuseRoutes } from "../langfuse/routes.js";
import type { LangfuseService } from "../langfuse/service.js";
import { registerPromptRoutes } from "../prompt/routes.js";
import type { PromptService } from "../prompt/service.js";
import { registerResolveRoutes } from "../resolve/routes.js";
import type { ResolveService } from "../resolve/service.js";
import type { StorageEngine } from "../storage/index.js";
import { registerVersionRoutes } from "../version/routes.js";
import type { VersionService } from "../version/service.js";
import { type AppEnv, authenticate } from "./auth.js";
import { errorToProblem, problem, validationProblem } from "./problem.js";

/** Request bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Services {
  engine: StorageEngine;
  feed: FeedHub;
  langfuse: LangfuseService;
  apiKeys: ApiKeyService;
  prompts: PromptService;
  versions: VersionService;
  environments: EnvironmentService;
  deployments: DeploymentService;
  resolver: ResolveService;
}

export const API_VERSION = "0.1.0";

// A JSON \u0000 escape not itself escaped (an odd run of backslashes before the u).
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;

/**
 * PostgreSQL text cannot hold NUL characters, so no request may carry one — on SQLite either,
 * for the two engines to accept the same input.
 */
const refuseNulCharacters: MiddlewareHandler = async (c, next) => {
  const inUrl = /%00/.test(c.req.url);
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  if (inUrl || (hasBody && JSON_NUL.test(await c.req.text()))) {
    const where = inUrl ? "URL" : "body";
    return problem(
      c,
      400,
      "invalid",
      `text may not contain NUL characters (\\u0000); remove them from the ${where}`,
    );
  }
  await next();
};

export interface AppOptions {
  feed: StreamOptions;
}

export function createApp(
  services: Services,
  log: Logger,
  options: AppOptions,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error, result.target);
    },
  });

  app.onError((error, c) => errorToProblem(error, c, log));
  app.notFound((c) => {
    const hint = c.req.path.startsWith("/api/v1/prompts/")
      ? " — encode '/' in prompt names as %2F (support%2Frefund-agent)"
      : "";
    return problem(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}${hint}`);
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await services.engine.db.selectFrom("projects").select("id").limit(1).execute();
      return c.json({ status: "ready", database: services.engine.kind });
    } catch (error) {
      log.warn({ err: error }, "readiness check failed");
      return problem(c, 503, "unavailable", "the database is not reachable");
    }
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", {
    type: "http",
    scheme: "basic",
    description: "A Langfuse-style key pair: public key as user name, secret key as password",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A promptline API key (pl_…)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "promptline API",
      version: API_VERSION,
      description:
        "Prompt registry: versions, environments, deployments and rollbacks (admin API), and prompt resolution (client API). Errors are problem objects {status, code, message, details}.",
    },
  });

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      problem(c, 413, "payload_too_large", `the body is over the ${MAX_BODY_BYTES} byte limit`),
  });
  // Only requests that carry a body are limited: touching a GET's body would slow the hot path.
  app.use("/api/*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next),
  );
  app.use("/api/*", refuseNulCharacters);
  app.use("/api/*", authenticate(services.apiKeys));

  registerPromptRoutes(app, services.prompts);
  registerVersionRoutes(app, services.versions);
  registerDeploymentRoutes(app, services.deployments);
  registerEnvironmentRoutes(app, services.environments);
  registerApiKeyRoutes(app, services.apiKeys);
  registerResolveRoutes(app, services.resolver);
  registerChangeFeedRoutes(app, services.feed, options.feed);
  registerLangfuseRoutes(app, services.langfuse);
  return app;
}
