/**
 * @intendedops/api — the HTTP service. Embedders can build the app on their own services or
 * start the whole server; the CLI (`intendedops`) wraps startServer.
 */
export {
  displayPrefix,
  generateApiKey,
  hashApiKey,
  isValidBootstrapKey,
  type ParsedApiKey,
  parseApiKey,
} from "./api-key-format";
export { type ApiKeyView, type IssueKeyInput, issueApiKey, toApiKeyView } from "./api-key-service";
export { createApp } from "./app";
export { type BootstrapResult, bootstrapKeys, DEFAULT_TENANT } from "./bootstrap";
export { type AppConfig, ConfigError, DEFAULT_DATABASE_URL, type LogLevel, loadConfig } from "./config";
export type { AppEnv, AppVariables, Services } from "./context";
export { createDomainCatalog, DOMAINS } from "./domain-catalog";
export { createJobRegistry, type JobRegistry, type PeriodicJob } from "./jobs/index";
export { type Caller, createKeyResolver, type KeyResolver } from "./key-resolver";
export { identifyCaller, requirePermission } from "./middleware/auth";
export { bodyParser } from "./middleware/body";
export { createRateLimiter, type RateLimiter } from "./rate-limiter";
export {
  type ApiRoute,
  type ApiRouteSpec,
  defineRoute,
  envelope,
  mountRoute,
  named,
  type RouteHandler,
  type RouteInput,
} from "./routes/api-route";
export { hasPermission, type Permission, SCOPES, type Scope } from "./scopes";
export { type RunningServer, type ShutdownOutcome, type StartOptions, startServer } from "./server";
export { createLogger, createServices, type ServiceOptions } from "./services";
export { StartupError } from "./startup-error";
