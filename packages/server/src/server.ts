import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { type Logger, pino } from "pino";
import { createApiKeyService } from "./apiKey/service.js";
import { FeedHub } from "./changeFeed/hub.js";
import { type Config, ConfigError } from "./config.js";
import { createContext, type ServiceContext } from "./context.js";
import { createDeploymentService } from "./deployment/service.js";
import { createEnvironmentService } from "./environment/service.js";
import { createApp, type Services } from "./http/app.js";
import { createLangfuseService } from "./langfuse/service.js";
import { bootstrapDefaultProject } from "./project/service.js";
import { createPromptService } from "./prompt/service.js";
import { createResolveFastPath } from "./resolve/fast-path.js";
import { createResolveService } from "./resolve/service.js";
import { openStorage } from "./storage/index.js";
import { createVersionService } from "./version/service.js";

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

/** `warn` hears background failures that no request is waiting for (e.g. the database dropped). */
export function createServices(
  ctx: ServiceContext,
  warn: (error: unknown) => void = () => {},
): Services {
  const apiKeys = createApiKeyService(ctx);
  const prompts = createPromptService(ctx);
  const environments = createEnvironmentService(ctx);
  const versions = createVersionService(ctx, prompts);
  const deployments = createDeploymentService(ctx, prompts, environments);
  const resolver = createResolveService(ctx);
  return {
    engine: ctx.engine,
    feed: new FeedHub(ctx, resolver, warn),
    apiKeys,
    prompts,
    environments,
    versions,
    deployments,
    resolver,
    langfuse: createLangfuseService(ctx, {
      prompts,
      versions,
      environments,
      deployments,
      resolver,
    }),
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
  const warn = (err: unknown) => log.warn({ err }, "change feed");
  const services = createServices(ctx, warn);
  try {
    const { generatedAdminKey } = await bootstrapDefaultProject(ctx, {
      adminKey: config.initAdminKey,
      pair:
        config.initPublicKey && config.initSecretKey
          ? { publicKey: config.initPublicKey, secretKey: config.initSecretKey }
          : undefined,
    });
    const app = createApp(services, log, {
      feed: { heartbeatMs: config.feedHeartbeatSeconds * 1000, retryMs: 1000, onError: warn },
    });
    const frameworkListener = getRequestListener(app.fetch);
    const serveFromMemory = createResolveFastPath(services.apiKeys, services.resolver);
    const server = createServer((req, res) => {
      if (!serveFromMemory(req, res)) void frameworkListener(req, res);
    });
    server.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", (error) => reject(listenError(error, config)));
    });
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      port,
      services,
      generatedAdminKey,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
