import { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "pino";
import { registerApiKeyRoutes } from "./apiKey/routes.js";
import type { ApiKeyService } from "./apiKey/service.js";
import type { FeedHub } from "./changeFeed/hub.js";
import { registerChangeFeedRoutes } from "./changeFeed/routes.js";
import type { StreamOptions } from "./changeFeed/stream.js";
import { registerDatasetRoutes } from "./dataset/routes.js";
import type { DatasetService } from "./dataset/service.js";
import { registerDeploymentRoutes } from "./deployment/routes.js";
import type { DeploymentService } from "./deployment/service.js";
import { registerEnvironmentRoutes } from "./environment/routes.js";
import type { EnvironmentService } from "./environment/service.js";
import type { Judge } from "./evalRun/judge.js";
import { registerEvalRunRoutes } from "./evalRun/routes.js";
import type { EvalRunner } from "./evalRun/runner.js";
import type { EvalRunService } from "./evalRun/service.js";
import { registerEventRoutes } from "./event/routes.js";
import { registerGateRoutes } from "./gate/routes.js";
import type { GateService } from "./gate/service.js";
import { registerGatewayRoutes } from "./gateway/routes.js";
import type { GatewayService } from "./gateway/service.js";
import { type AppEnv, type AuthGuard, authenticate, type Principals } from "./http/auth.js";
import { checkBody } from "./http/body-checks.js";
import { limitBody } from "./http/body-limit.js";
import { serveHealth } from "./http/health.js";
import { bodyLimitFor, streamsBody } from "./http/limits.js";
import { metricsReaders, serveMetrics } from "./http/metrics-endpoint.js";
import { notFound } from "./http/not-found.js";
import { documentApi } from "./http/openapi.js";
import { errorToProblem, validationProblem } from "./http/problem.js";
import { apiSecurityHeaders } from "./http/security-headers.js";
import type { StreamLimits } from "./http/stream-limits.js";
import { takeUploadTurn, type UploadGate } from "./http/upload-gate.js";
import { serveWebUi } from "./http/web-ui.js";
import { registerLangfuseRoutes } from "./langfuse/routes.js";
import type { LangfuseService } from "./langfuse/service.js";
import { registerOnlineEvalRoutes } from "./onlineEval/routes.js";
import type { OnlineEvalService } from "./onlineEval/service.js";
import type { OnlineEvalWorker } from "./onlineEval/worker.js";
import { registerPriceRoutes } from "./price/routes.js";
import type { PriceService } from "./price/service.js";
import type { ServerMetrics } from "./prometheus/index.js";
import { registerPromptRoutes } from "./prompt/routes.js";
import type { PromptService } from "./prompt/service.js";
import { registerProviderRoutes } from "./provider/routes.js";
import type { ProviderService } from "./provider/service.js";
import { registerResolveRoutes } from "./resolve/routes.js";
import type { ResolveService } from "./resolve/service.js";
import type { RolloutMonitor } from "./rollout/monitor.js";
import { registerRolloutRoutes } from "./rollout/routes.js";
import type { RolloutService } from "./rollout/service.js";
import { registerSessionRoutes } from "./session/routes.js";
import type { SessionService } from "./session/service.js";
import type { StorageEngine } from "./storage/index.js";
import { registerOtlpRoutes } from "./trace/otlp-routes.js";
import { registerTraceRoutes } from "./trace/routes.js";
import type { TraceService } from "./trace/service.js";
import type { TraceWriter } from "./trace/writer.js";
import { registerVersionRoutes } from "./version/routes.js";
import type { VersionService } from "./version/service.js";

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
  gates: GateService;
  rollouts: RolloutService;
  /** Watches running rollouts' guardrails; started and stopped with the server. */
  rolloutMonitor: RolloutMonitor;
  resolver: ResolveService;
  providers: ProviderService;
  prices: PriceService;
  traces: TraceService;
  traceWriter: TraceWriter;
  gateway: GatewayService;
  metrics: ServerMetrics;
  sessions: SessionService;
  onlineEval: OnlineEvalService;
  onlineEvalWorker: OnlineEvalWorker;
  datasets: DatasetService;
  evalRuns: EvalRunService;
  /** Carries evaluation runs out in the background; started and stopped with the server. */
  evalRunner: EvalRunner;
  /** LLM-as-judge scoring, for runs and online evaluation. */
  judge: Judge;
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

/** The callers behind API keys, key pairs and session cookies, as the services know them. */
function principalsOf(apiKeys: ApiKeyService, sessions: SessionService): Principals {
  return {
    ofKey: (key) => apiKeys.authenticate(key),
    ofKeyPair: (publicKey, secretKey) => apiKeys.authenticate(secretKey, publicKey),
    ofSession: async (token) => {
      const { expiresAt: _, ...principal } = await sessions.principalOf(token);
      return principal;
    },
  };
}

/** The HTTP API: the edge middlewares, in the order they run, then every concept's routes. */
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
  app.notFound(notFound);

  serveHealth(app, {
    database: services.engine.kind,
    ping: () => services.engine.db.selectFrom("projects").select("id").limit(1).execute(),
    warn: (err) => log.warn({ err }, "readiness check failed"),
  });
  documentApi(app);

  // Who is calling is known before any body is read: an unknown caller's upload is never held.
  const principals = principalsOf(services.apiKeys, services.sessions);
  const auth = authenticate(principals, options.guard);
  const uploadTurn = takeUploadTurn(services.uploads);
  const bodyLimit = limitBody(bodyLimitFor, streamsBody);
  for (const path of ["/api/*", "/v1/*"]) {
    app.use(path, auth, uploadTurn, bodyLimit, checkBody({ asStored: path === "/api/*" }));
  }
  serveMetrics(app, {
    mayRead: metricsReaders(options.metricsToken, principals.ofKey),
    scrape: async () => {
      services.metrics.traceQueue.set(services.traceWriter.queued);
      const { registry } = services.metrics;
      return { text: await registry.metrics(), contentType: registry.contentType };
    },
    guard: options.guard,
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
  registerOnlineEvalRoutes(app, services.onlineEval);
  registerGateRoutes(app, services.gates);
  registerRolloutRoutes(app, services.rollouts);
  registerDatasetRoutes(app, services.datasets);
  registerEvalRunRoutes(app, services.evalRuns, options.feed, options.streams);
  serveWebUi(app, options.webDir);
  return app;
}
