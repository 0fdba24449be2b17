import { createHash, timingSafeEqual } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
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
import { registerEventRoutes } from "../event/routes.js";
import { registerGatewayRoutes } from "../gateway/routes.js";
import type { GatewayService } from "../gateway/service.js";
import { registerLangfuseRoutes } from "../langfuse/routes.js";
import type { LangfuseService } from "../langfuse/service.js";
import type { ServerMetrics } from "../metrics/index.js";
import { registerPriceRoutes } from "../price/routes.js";
import type { PriceService } from "../price/service.js";
import { registerPromptRoutes } from "../prompt/routes.js";
import type { PromptService } from "../prompt/service.js";
import { registerProviderRoutes } from "../provider/routes.js";
import type { ProviderService } from "../provider/service.js";
import { registerResolveRoutes } from "../resolve/routes.js";
import type { ResolveService } from "../resolve/service.js";
import { registerSessionRoutes } from "../session/routes.js";
import type { SessionService } from "../session/service.js";
import type { StorageEngine } from "../storage/index.js";
import { registerOtlpRoutes } from "../trace/otlp-routes.js";
import { registerTraceRoutes } from "../trace/routes.js";
import type { TraceService } from "../trace/service.js";
import type { TraceWriter } from "../trace/writer.js";
import { registerVersionRoutes } from "../version/routes.js";
import type { VersionService } from "../version/service.js";
import { type AppEnv, type AuthGuard, authenticate, bearerKey, tooManyFailures } from "./auth.js";
import { checkBody } from "./body-checks.js";
import { bodyLimitFor } from "./limits.js";
import { errorToProblem, problem, validationProblem } from "./problem.js";
import { apiSecurityHeaders } from "./security-headers.js";
import type { StreamLimits } from "./stream-limits.js";
import { takeUploadTurn, type UploadGate } from "./upload-gate.js";
import { serveWebUi } from "./web-ui.js";

export { MAX_BODY_BYTES } from "./limits.js";

export interface Services {
  engine: StorageEngine;
  feed: FeedHub;
  /** Turns for large bodies, taken before they are read. */
  uploads: UploadGate;
  langfuse: LangfuseService;
  apiKeys: ApiKeyService;
  prompts: PromptService;
  versions: VersionService;
  environments: EnvironmentService;
  deployments: DeploymentService;
  resolver: ResolveService;
  providers: ProviderService;
  prices: PriceService;
  traces: TraceService;
  traceWriter: TraceWriter;
  gateway: GatewayService;
  metrics: ServerMetrics;
  sessions: SessionService;
}

export const API_VERSION = "0.1.0";

/** Compares secrets in constant time (digests first, so lengths do not leak either). */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export interface AppOptions {
  feed: Omit<StreamOptions, "release">;
  /** Counts failed authentications per client address and refuses past the allowance. */
  guard: AuthGuard;
  /** Caps the change-feed streams per key and per client address. */
  streams: StreamLimits;
  /** A bearer token that may read /metrics besides admin keys (for Prometheus). */
  metricsToken?: string | undefined;
  /** The built web UI; the one `npm run build` makes when not given. */
  webDir?: string | undefined;
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

  app.use("*", services.metrics.middleware());
  app.use("*", apiSecurityHeaders);
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

  const tooLarge = (c: Context, maxSize: number) =>
    problem(c, 413, "payload_too_large", `the body is over the ${maxSize} byte limit`);
  const streamingLimits = new Map<number, MiddlewareHandler>();
  const limitBody: MiddlewareHandler = async (c, next) => {
    const maxSize = bodyLimitFor(c.req.path);
    // A declared length is judged from the header alone: Hono's middleware would first turn the
    // Node request into a web Request (streams and all), which costs more than the rest of a
    // gateway call. Chunked bodies are counted as they stream.
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(length) > maxSize ? tooLarge(c, maxSize) : next();
    }
    let limit = streamingLimits.get(maxSize);
    if (!limit) {
      limit = bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) });
      streamingLimits.set(maxSize, limit);
    }
    return limit(c, next);
  };
  // Who is calling is known before any body is read: an unknown caller's upload is never held.
  // Only requests that carry a body are limited: touching a GET's body would slow the hot path.
  const auth = authenticate(services.apiKeys, services.sessions, options.guard);
  for (const path of ["/api/*", "/v1/*"]) {
    app.use(path, auth);
    app.use(path, takeUploadTurn(services.uploads));
    app.use(path, (c, next) =>
      c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next),
    );
    app.use(path, checkBody({ refuseNul: path === "/api/*" }));
  }
  app.get("/metrics", async (c) => {
    const token = bearerKey(c.req.header("authorization"));
    const allowed =
      token !== undefined &&
      ((options.metricsToken !== undefined && safeEqual(token, options.metricsToken)) ||
        (await services.apiKeys.authenticate(token).then(
          (principal) => principal.role === "admin",
          () => false,
        )));
    if (!allowed) {
      const wait = options.guard.throttle.fail(options.guard.addressOf(c.env.incoming));
      if (wait !== undefined) return tooManyFailures(c, wait);
      return problem(
        c,
        401,
        "unauthorized",
        "send PROMPTLINE_METRICS_TOKEN or an admin API key as 'Authorization: Bearer <token>'",
      );
    }
    services.metrics.traceQueue.set(services.traceWriter.queued);
    return c.body(await services.metrics.registry.metrics(), 200, {
      "content-type": services.metrics.registry.contentType,
    });
  });

  registerPromptRoutes(app, services.prompts);
  registerVersionRoutes(app, services.versions);
  registerDeploymentRoutes(app, services.deployments);
  registerEnvironmentRoutes(app, services.environments);
  registerApiKeyRoutes(app, services.apiKeys);
  registerResolveRoutes(app, services.resolver);
  registerChangeFeedRoutes(app, services.feed, options.feed, options.streams);
  registerLangfuseRoutes(app, services.langfuse);
  registerProviderRoutes(app, services.providers);
  registerPriceRoutes(app, services.prices);
  registerTraceRoutes(app, services.traces);
  registerOtlpRoutes(app, services.traces);
  registerGatewayRoutes(app, services.gateway);
  registerSessionRoutes(app, services.sessions);
  registerEventRoutes(app, services.engine.db);
  serveWebUi(app, options.webDir);
  return app;
}
