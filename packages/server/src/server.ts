import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Redactor } from "@promptline/core";
import { createRedactor } from "@promptline/core";
import { type Logger, pino } from "pino";
import { createApiKeyService } from "./apiKey/service.js";
import { createApp, type Services } from "./app.js";
import { FeedHub } from "./changeFeed/hub.js";
import { type Config, ConfigError } from "./config.js";
import { createContext, type ServiceContext } from "./context.js";
import { createDatasetService } from "./dataset/service.js";
import { createDeploymentService } from "./deployment/service.js";
import { createEnvironmentService } from "./environment/service.js";
import { createJudge } from "./evalRun/judge.js";
import { TokenBuckets } from "./evalRun/limits.js";
import { EvalRunner } from "./evalRun/runner.js";
import { createEvalRunService } from "./evalRun/service.js";
import { createGateService } from "./gate/service.js";
import { createGatewayService } from "./gateway/service.js";
import { AccessLog, logAccess } from "./http/access-log.js";
import { AuthFailureThrottle } from "./http/auth-throttle.js";
import { clientAddress } from "./http/client-address.js";
import { ConnectionLimit } from "./http/connection-limit.js";
import { StreamLimits } from "./http/stream-limits.js";
import { UploadGate } from "./http/upload-gate.js";
import { createLangfuseService } from "./langfuse/service.js";
import { createSampler } from "./onlineEval/sampler.js";
import { createScoringSource } from "./onlineEval/scoring-source.js";
import { createOnlineEvalService } from "./onlineEval/service.js";
import { OnlineEvalWorker } from "./onlineEval/worker.js";
import { createPriceService } from "./price/service.js";
import { bootstrapDefaultProject } from "./project/service.js";
import { ServerMetrics } from "./prometheus/index.js";
import { createPromptService } from "./prompt/service.js";
import { createProviderService } from "./provider/service.js";
import { createResolveFastPath } from "./resolve/fast-path.js";
import { createResolveService } from "./resolve/service.js";
import { RolloutMonitor } from "./rollout/monitor.js";
import { createRolloutService } from "./rollout/service.js";
import { loadServerSecret, SecretBox } from "./secret/index.js";
import { createSessionService } from "./session/service.js";
import { openStorage } from "./storage/index.js";
import { createTraceService, type TraceService } from "./trace/service.js";
import { TraceWriter } from "./trace/writer.js";
import { createVersionService } from "./version/service.js";

const HOUR_MS = 3_600_000;

/** Deletes traces past the retention period now and every hour. */
function startRetention(traces: TraceService, warn: (error: unknown) => void): NodeJS.Timeout {
  const run = () => void traces.applyRetention().catch(warn);
  run();
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return timer;
}

/** Why the server could not listen, naming the setting to change. */
function listenError(error: NodeJS.ErrnoException, config: Config): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new ConfigError(
        `PROMPTLINE_PORT: port ${config.port} on ${config.host} is already in use`,
      );
    case "EACCES":
      return new ConfigError(`PROMPTLINE_PORT: not allowed to listen on port ${config.port}`);
    case "ENOTFOUND":
    case "EADDRNOTAVAIL":
    case "EAI_AGAIN":
      return new ConfigError(`PROMPTLINE_HOST: '${config.host}' is not an address of this machine`);
    default:
      return error;
  }
}

export interface ServiceSettings {
  secrets: SecretBox;
  redact: Redactor;
  traceRetentionDays: number;
  /** The longest a request (a dataset import) may take: staged rows older than that are left over. */
  maxRequestMs: number;
  /** Hears background failures no request waits for (the database dropped, a trace write). */
  warn(error: unknown, what: string): void;
  /** Decides which calls online evaluation samples: a number in [0, 1). */
  random?: () => number;
  /** How often the guardrail monitor looks at running rollouts; 10 s by default. */
  rolloutMonitorIntervalMs?: number;
}

export function createServices(ctx: ServiceContext, settings: ServiceSettings): Services {
  const warn = (err: unknown) => settings.warn(err, "change feed");
  const apiKeys = createApiKeyService(ctx);
  const prompts = createPromptService(ctx);
  const environments = createEnvironmentService(ctx);
  const versions = createVersionService(ctx, prompts);
  const deployments = createDeploymentService(ctx, prompts, environments);
  const resolver = createResolveService(ctx);
  const providers = createProviderService(ctx, settings.secrets);
  const prices = createPriceService(ctx);
  const metrics = new ServerMetrics(() => resolver.cacheStats);
  const onlineEval = createOnlineEvalService(ctx);
  const onlineEvalWorker = new OnlineEvalWorker({
    ...createScoringSource(ctx, settings.redact),
    // The judge calls through the gateway, which is built below (it records into the traces).
    judge: (projectId, spec, subject, options) => judge(projectId, spec, subject, options),
    onError: settings.warn,
  });
  metrics.watchOnlineEvaluation(() => onlineEvalWorker.stats);
  const traces = createTraceService(ctx, prices, {
    onStored: createSampler({
      rulesFor: (projectId) => onlineEval.rulesFor(projectId),
      offer: (job) => onlineEvalWorker.offer(job),
      random: settings.random,
      onError: (err) => settings.warn(err, "online evaluation sampling"),
    }),
    redact: settings.redact,
    retentionDays: settings.traceRetentionDays,
    onIngest: (source, accepted, rejected) => {
      metrics.tracesIngested.inc({ source }, accepted);
      metrics.tracesRejected.inc({ source }, rejected);
    },
  });
  const traceWriter = new TraceWriter({
    store: (projectId, batch) => traces.recordCalls(projectId, batch),
    onError: (err) => settings.warn(err, "trace write (will retry)"),
    onDrop: (count) => metrics.tracesDropped.inc(count),
  });
  const gateway = createGatewayService(ctx, {
    resolver,
    prompts,
    providers,
    record: (projectId, trace) => {
      const provider = trace.provider ?? "";
      metrics.gatewayCalls.inc({ provider, status: trace.status ?? "ok" });
      metrics.gatewayTokens.inc({ provider, direction: "input" }, trace.usage?.inputTokens ?? 0);
      metrics.gatewayTokens.inc({ provider, direction: "output" }, trace.usage?.outputTokens ?? 0);
      traceWriter.enqueue(projectId, trace);
    },
  });
  const judge = createJudge({ resolver, gateway });
  const evalRunner = new EvalRunner(
    ctx,
    { gateway, judge, prices, buckets: new TokenBuckets(), now: () => ctx.clock.now() },
    { warn: settings.warn },
  );
  const rollouts = createRolloutService(ctx, prompts, environments);
  const rolloutMonitor = new RolloutMonitor(ctx, rollouts, {
    intervalMs: settings.rolloutMonitorIntervalMs ?? 10_000,
    warn: settings.warn,
  });
  metrics.watchRolloutMonitor(() => rolloutMonitor.stats);
  return {
    judge,
    evalRunner,
    evalRuns: createEvalRunService(ctx, { prompts, providers, resolver, runner: evalRunner }),
    uploads: new UploadGate(),
    sessions: createSessionService(ctx, apiKeys),
    // A minute's margin past the request deadline: the import's last writes follow its body.
    datasets: createDatasetService(ctx, { maxImportMs: settings.maxRequestMs + 60_000 }),
    providers,
    prices,
    traces,
    traceWriter,
    gateway,
    metrics,
    engine: ctx.engine,
    feed: new FeedHub(ctx, resolver, warn),
    apiKeys,
    prompts,
    environments,
    versions,
    deployments,
    gates: createGateService(ctx, prompts, environments),
    rollouts,
    rolloutMonitor,
    resolver,
    langfuse: createLangfuseService(ctx, { prompts, versions, resolver }),
    onlineEval,
    onlineEvalWorker,
  };
}

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  /** Set on the first start only, when the admin key was generated. */
  generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

/** Composition root: config → storage → services → app → listen. */
export async function startServer(
  config: Config,
  log: Logger = pino({ level: config.logLevel }),
): Promise<RunningServer> {
  let secret: ReturnType<typeof loadServerSecret>;
  try {
    secret = loadServerSecret(config.secretKey, config.dataDir);
  } catch (error) {
    throw new ConfigError(
      config.secretKey === undefined
        ? `PROMPTLINE_DATA_DIR: cannot keep the server secret in ${config.dataDir} (${(error as Error).message}); set PROMPTLINE_SECRET_KEY instead`
        : `PROMPTLINE_SECRET_KEY ${(error as Error).message}`,
    );
  }
  if (secret.source === "generated") {
    log.info({ file: secret.file }, "generated the server secret that encrypts provider keys");
  }
  const engine = await openStorage(config, {
    onListenerError: (err) => log.warn({ err }, "change listener"),
  }).catch((error: Error) => {
    throw config.databaseUrl
      ? new ConfigError(`DATABASE_URL: cannot use the PostgreSQL database (${error.message})`)
      : new ConfigError(
          `PROMPTLINE_DATA_DIR: cannot open the database in ${config.dataDir} (${error.message})`,
        );
  });
  const ctx = createContext(engine);
  const services = createServices(ctx, {
    secrets: new SecretBox(secret.key),
    redact: createRedactor(config.redact, config.redactPatterns),
    traceRetentionDays: config.traceRetentionDays,
    maxRequestMs: config.requestTimeoutSeconds * 1000,
    rolloutMonitorIntervalMs: config.rolloutMonitorIntervalMs,
    warn: (err, what) => log.warn({ err }, what),
  });
  const warn = (err: unknown) => log.warn({ err }, "change feed");
  try {
    // Imports a stopped server was reading never finish: their staged rows go.
    await services.datasets.removeAbandonedImports();
    const addressOf = (req: IncomingMessage) => clientAddress(req, config.trustProxyHops);
    const throttle = new AuthFailureThrottle(config.authFailuresPerMinute);
    const streams = new StreamLimits({
      perKey: config.maxStreamsPerKey,
      perAddress: config.maxStreamsPerAddress,
      maxConnections: config.maxConnections,
    });
    // Behind proxies every connection comes from one of them: no cap per peer unless asked for.
    const perPeer =
      config.maxConnectionsPerAddress ??
      (config.trustProxyHops === 0
        ? Math.max(8, Math.floor(config.maxConnections / 4))
        : undefined);
    const connections = new ConnectionLimit(config.maxConnections, perPeer);
    const accessLog =
      config.accessLog === "on" ? new AccessLog(log.child({ log: "access" })) : undefined;
    services.metrics.watchLimits(() => ({
      openConnections: connections.open,
      maxConnections: connections.max,
      refusedConnections: connections.refused,
      feedStreams: services.feed.stats.streams,
      feedLogReads: services.feed.stats.logReads,
      refusedStreams: streams.refused,
      authFailures: throttle.failures,
      throttledAuthFailures: throttle.throttled,
      largeUploads: services.uploads.stats,
    }));
    const app = createApp(services, log, {
      feed: { heartbeatMs: config.feedHeartbeatSeconds * 1000, retryMs: 1000, onError: warn },
      guard: { throttle, addressOf },
      streams,
      metricsToken: config.metricsToken,
    });
    const frameworkListener = getRequestListener(app.fetch);
    const serveFromMemory = createResolveFastPath(services.apiKeys, services.resolver);
    // Slow senders are cut off in seconds: headers and the whole request body have deadlines,
    // checked every second rather than Node's default of every 30.
    const server = createServer(
      {
        headersTimeout: Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000,
        requestTimeout: config.requestTimeoutSeconds * 1000,
        connectionsCheckingInterval: 1000,
      },
      (req, res) => {
        if (accessLog) logAccess(accessLog, req, res, addressOf);
        if (connections.refuse(req, res)) return;
        if (serveFromMemory(req, res)) {
          services.metrics.countRequest("/api/v1/client/prompts/:name", "GET", res.statusCode);
        } else {
          void frameworkListener(req, res);
        }
      },
    );
    connections.attach(server);
    server.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", (error) => reject(listenError(error, config)));
    });
    // The project and its first admin key are made only once the port is ours: a start that
    // fails to listen must not create a key it never shows.
    let generatedAdminKey: string | undefined;
    try {
      ({ generatedAdminKey } = await bootstrapDefaultProject(ctx, {
        adminKey: config.initAdminKey,
        pair:
          config.initPublicKey && config.initSecretKey
            ? { publicKey: config.initPublicKey, secretKey: config.initSecretKey }
            : undefined,
      }));
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
    const retention = startRetention(services.traces, (err) =>
      log.warn({ err }, "trace retention"),
    );
    services.evalRunner.start();
    services.rolloutMonitor.start();
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      port,
      services,
      generatedAdminKey,
      close: async () => {
        clearInterval(retention);
        // Calls in flight are aborted and the runs let go, for another instance (or the next
        // start) to resume; the results written so far stay.
        await services.evalRunner.stop();
        // A look under way finishes; the lease is let go for another instance to take at once.
        await services.rolloutMonitor.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        accessLog?.close();
        await services.traceWriter.close();
        // The last traces written may have offered some for scoring: a few seconds to finish.
        await services.onlineEvalWorker.close();
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
