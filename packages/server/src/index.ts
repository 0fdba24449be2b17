export { type Config, ConfigError, ENV_VARS, loadConfig } from "./config.js";
export { MAX_BODY_BYTES } from "./http/limits.js";
export { type RunningServer, startServer } from "./server.js";
