import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { validationError } from "@intendedops/core";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { requirePermission } from "../middleware/auth";
import { bodyParser, mayCarryBody } from "../middleware/body";
import type { Permission } from "../scopes";

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** One endpoint: its OpenAPI description and the zod schemas its handler validates with. */
export interface ApiRouteSpec<P extends Schema, Q extends Schema, B extends Schema> {
  method: "get" | "post" | "put" | "delete" | "patch";
  /** OpenAPI style, e.g. `/v1/agents/{id}`. */
  path: string;
  /** `public` routes need no key. */
  permission: Permission | "public";
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler hands, unvalidated (`c.get("body")`), to a governor call that validates it
   * with this very schema: documented like `body`, parsed once instead of twice on a hot path.
   * Use `body` or this, not both.
   */
  governorBody?: z.ZodType;
  /** Documented as required unless false; a missing body always validates as `{}`. */
  bodyRequired?: boolean;
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  /** Other success statuses with the same body (e.g. 200 for an idempotent replay of a 201). */
  alsoSucceeds?: { status: 200 | 201 | 202 | 204; description: string }[];
  /**
   * False for the public paths the rate limiter never counts (GET /health): every other route,
   * public ones included, may answer 429.
   */
  rateLimited?: boolean;
  /** Extra documented error statuses besides the ones every authenticated route has. */
  errors?: number[];
}

export interface ApiRoute<P extends Schema, Q extends Schema, B extends Schema>
  extends ApiRouteSpec<P, Q, B> {
  openapi: RouteConfig;
}

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

export type RouteHandler<P extends Schema, Q extends Schema, B extends Schema> = (
  c: Context<AppEnv>,
  input: RouteInput<P, Q, B>,
) => Response | Promise<Response>;

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_ERROR" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "Validation failed (VALIDATION_ERROR) or the approval is already resolved (ALREADY_RESOLVED)",
  401: "API key missing or invalid (UNAUTHORIZED)",
  403: "The key lacks the scope (FORBIDDEN)",
  404: "Not found in this tenant (NOT_FOUND, AGENT_NOT_FOUND)",
  409: "Conflict with the current state (CONFLICT, INVALID_STATE)",
  413: "Body over 1 MiB (PAYLOAD_TOO_LARGE)",
  415: "Body is not JSON (UNSUPPORTED_MEDIA_TYPE)",
  422: "Idempotency key reused with a different body (IDEMPOTENCY_KEY_REUSED)",
  429: "Rate limit reached (RATE_LIMITED)",
  500: "Unexpected failure (INTERNAL_ERROR)",
};

/**
 * Give a schema an OpenAPI component name. Schemas built before zod-openapi patched zod (core's
 * model, imported first) lack `.openapi`, so they are cloned — same definition, patched instance.
 */
export function named<S extends z.ZodType>(schema: S, name: string, metadata?: Record<string, unknown>): S {
  const withOpenApi = (
    typeof (schema as { openapi?: unknown }).openapi === "function" ? schema : schema.clone()
  ) as S;
  return withOpenApi.openapi(name, metadata as never) as S;
}

/** Wrap a payload schema in the success envelope `{"data": …}`. */
export function envelope<S extends z.ZodType>(schema: S) {
  return z.object({ data: schema });
}

/** Describe a route once: the result feeds both the handler's validation and /openapi.json. */
export function defineRoute<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
>(spec: ApiRouteSpec<P, Q, B>): ApiRoute<P, Q, B> {
  const errorStatuses = new Set<number>(spec.permission === "public" ? [500] : [400, 401, 403, 429, 500]);
  // Requests without a key are counted against their address, so public routes are limited too.
  if (spec.rateLimited !== false) errorStatuses.add(429);
  for (const status of spec.errors ?? []) errorStatuses.add(status);
  // Every route that may carry a body checks it, even one that ignores it (see mountRoute).
  if (mayCarryBody(spec.method.toUpperCase())) {
    errorStatuses.add(400);
    errorStatuses.add(413);
    errorStatuses.add(415);
  }
  const bodySchema = spec.body ?? spec.governorBody;
  const responses: RouteConfig["responses"] = {};
  for (const { status, description } of [spec.success, ...(spec.alsoSucceeds ?? [])]) {
    responses[status] = spec.success.schema
      ? { description, content: { "application/json": { schema: spec.success.schema } } }
      : { description };
  }
  for (const status of [...errorStatuses].sort()) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error",
      content: { "application/json": { schema: ErrorEnvelopeSchema } },
    };
  }
  const request: NonNullable<RouteConfig["request"]> = {};
  if (spec.params) request.params = spec.params as never;
  if (spec.query) request.query = spec.query as never;
  if (bodySchema) {
    request.body = {
      required: spec.bodyRequired ?? true,
      content: { "application/json": { schema: bodySchema } },
    };
  }
  const openapi = createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.permission === "public" ? {} : { security: [{ ApiKeyAuth: [] }, { BearerAuth: [] }] }),
    request,
    responses,
  });
  return { ...spec, openapi };
}

function parsePart<S extends Schema>(schema: S, value: unknown, prefix: string[]): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data as Out<S>;
}

/**
 * Mount a route: permission check, then params, query and body validated with the route's own
 * schemas (failures become the guide's VALIDATION_ERROR), then the handler.
 * Validation runs here rather than through zod-openapi's validators so the hot path reads the
 * body once and an empty body under `Content-Type: application/json` means "no body".
 */
export function mountRoute<P extends Schema, Q extends Schema, B extends Schema>(
  app: OpenAPIHono<AppEnv>,
  route: ApiRoute<P, Q, B>,
  handler: RouteHandler<P, Q, B>,
): void {
  app.openAPIRegistry.registerPath(route.openapi);
  const honoPath = route.path.replaceAll(/\{([^}]+)\}/g, ":$1");
  // Authorization comes before reading the body, so an unauthenticated caller learns nothing else.
  const guard = route.permission === "public" ? [] : [requirePermission(route.permission)];
  // A body sent to a route that ignores it is still checked: an oversized, non-JSON or malformed
  // body is refused rather than silently dropped, as on every other route.
  const reader = mayCarryBody(route.method.toUpperCase()) ? [bodyParser()] : [];
  const handlers: MiddlewareHandler<AppEnv>[] = [...guard, ...reader];
  handlers.push(async (c) => {
    const params = route.params ? parsePart(route.params as P, c.req.param(), []) : (undefined as Out<P>);
    const query = route.query ? parsePart(route.query as Q, c.req.query(), []) : (undefined as Out<Q>);
    // A missing body validates as `{}`, so the caller learns which fields are required.
    const body = route.body ? parsePart(route.body as B, c.get("body") ?? {}, []) : (undefined as Out<B>);
    return handler(c, { params, query, body });
  });
  app.on([route.method.toUpperCase()], [honoPath], ...handlers);
}
