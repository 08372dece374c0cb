import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode, validationError } from "@intendedops/core";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { requirePermission } from "../middleware/auth";
import { bodyParser, mayCarryBody } from "../middleware/body";
import type { Permission } from "../scopes";

type Schema = z.ZodType | undefined;
/** A response header as /openapi.json declares it. */
export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: { type: "string" | "integer"; pattern?: string; minimum?: number; example?: string | number };
}
export type HeadersObject = Record<string, HeaderObject | { $ref: string }>;
/** The same, as zod-to-openapi's response config types it (openapi3-ts' header object). */
type RouteHeaders = NonNullable<
  Extract<RouteConfig["responses"][string], { description: string }>["headers"]
>;
type SuccessStatus = 200 | 201 | 202 | 204;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** One endpoint: its OpenAPI description and the zod schemas its handler validates with. */
export interface ApiRouteSpec<P extends Schema, Q extends Schema, B extends Schema> {
  /**
   * The operation's stable name in /openapi.json (client generators name their methods after it).
   * Without one it is derived from the method and the path (`GET /v1/agents/{id}` → `getV1AgentsById`).
   */
  operationId?: string;
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
  /** `headers`: response headers of this answer besides the ones every answer has (see responseHeaders). */
  success: { status: SuccessStatus; description: string; schema?: z.ZodType; headers?: HeadersObject };
  /** Other success statuses with the same body (e.g. 200 for an idempotent replay of a 201). */
  alsoSucceeds?: { status: SuccessStatus; description: string; headers?: HeadersObject }[];
  /** Other statuses answered with the success body rather than the error envelope (503 of /health). */
  alsoAnswers?: { status: number; description: string }[];
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

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({ example: "VALIDATION_ERROR" }),
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
  503: "The database is unavailable or did not answer in time; retry shortly (SERVICE_UNAVAILABLE)",
};

/**
 * The response headers the middleware sets, declared once under `components.headers` (registered
 * by registerOpenApiRoute) and referred to by every response.
 */
export const RESPONSE_HEADER_COMPONENTS = {
  RequestId: {
    description:
      "The request's id: the caller's `x-request-id` when well formed (1–128 of `[A-Za-z0-9_.:@-]`), else a new `req_…` id",
    required: true,
    schema: { type: "string", example: "req_01HN4X7KQZ8Y1A2B3C4D5E6F7G" },
  },
  RateLimit: {
    description:
      "The caller's budget in the current window (IETF draft): `r` requests remaining, `t` seconds until it resets",
    schema: { type: "string", pattern: '^"default";r=\\d+;t=\\d+$', example: '"default";r=999;t=60' },
  },
  RateLimitPolicy: {
    description: "The caller's limit (IETF draft): `q` requests per window of `w` seconds",
    schema: { type: "string", pattern: '^"default";q=\\d+;w=\\d+$', example: '"default";q=1000;w=60' },
  },
  RetryAfter: {
    description: "Seconds until the window resets and requests are accepted again",
    required: true,
    schema: { type: "integer", minimum: 0, example: 42 },
  },
} satisfies Record<string, HeaderObject>;

const headerRef = (name: keyof typeof RESPONSE_HEADER_COMPONENTS) => ({
  $ref: `#/components/headers/${name}`,
});

/**
 * The headers of an answer: `x-request-id` always; the rate-limit budget on every answer the limiter
 * saw (every one but a failure while resolving the key, so not promised); `Retry-After` on 429.
 */
export function responseHeaders(status: number, extra: HeadersObject = {}): RouteHeaders {
  const headers: HeadersObject = {
    "x-request-id": headerRef("RequestId"),
    RateLimit: headerRef("RateLimit"),
    "RateLimit-Policy": headerRef("RateLimitPolicy"),
  };
  if (status === 429) headers["Retry-After"] = headerRef("RetryAfter");
  return { ...headers, ...extra } as RouteHeaders;
}

/** The component name of each error status's response (`components/responses`). */
const ERROR_RESPONSE_NAMES: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  415: "UnsupportedMediaType",
  422: "IdempotencyKeyReused",
  429: "RateLimited",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/**
 * The error responses every route shares, as `components/responses` (registered by
 * registerOpenApiRoute): the error envelope with its headers, described once, referred to by name.
 */
export function errorResponseComponents(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(ERROR_RESPONSE_NAMES).map(([status, name]) => [
      name,
      {
        description: ERROR_DESCRIPTIONS[Number(status)],
        headers: responseHeaders(Number(status)),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}

/**
 * The error response of a status: a reference to the shared component, or inline with its own
 * description (`/metrics`' 401).
 */
export function errorResponse(status: number, description?: string) {
  const name = ERROR_RESPONSE_NAMES[status];
  if (name && description === undefined) return { $ref: `#/components/responses/${name}` };
  return {
    description: description ?? ERROR_DESCRIPTIONS[status] ?? "Error",
    headers: responseHeaders(status),
    content: { "application/json": { schema: ErrorEnvelopeSchema } },
  };
}

/** `GET /v1/agents/{id}/metrics` → `getV1AgentsByIdMetrics`: a stable name from the method and path. */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ["by", ...param[1]!.split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join("");
}

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

/** A timestamp as the API writes it: RFC 3339 in UTC, `2024-01-15T10:30:00.000Z`. */
export function dateTime() {
  return z.string().openapi({ format: "date-time", example: "2024-01-15T10:30:00.000Z" });
}

/** Wrap a payload schema in the success envelope `{"data": …}`. */
export function envelope<S extends z.ZodType>(schema: S) {
  return z.object({ data: schema });
}

/**
 * The guide's optional `x-tenant-id` request header, which every authenticated route accepts (see
 * middleware/auth): a header parameter of each such operation in /openapi.json, so clients generated
 * from the document can send it.
 */
export const TenantHeaderSchema = z.object({
  "x-tenant-id": z
    .string()
    .optional()
    .openapi({
      param: {
        name: "x-tenant-id",
        in: "header",
        description:
          "The API key's tenant id. Optional: the tenant comes from the key; when sent, it must be the key's tenant, else 401 UNAUTHORIZED",
        example: "tenant123",
      },
    }),
});

/** Describe a route once: the result feeds both the handler's validation and /openapi.json. */
export function defineRoute<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
>(spec: ApiRouteSpec<P, Q, B>): ApiRoute<P, Q, B> {
  // Authenticating reads the key store, so an authenticated route may also answer 503.
  const errorStatuses = new Set<number>(
    spec.permission === "public" ? [500] : [400, 401, 403, 429, 500, 503],
  );
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
  const answers = [...[spec.success, ...(spec.alsoSucceeds ?? [])], ...(spec.alsoAnswers ?? [])];
  for (const answer of answers) {
    const { status, description } = answer;
    const headers = responseHeaders(
      status,
      "headers" in answer ? (answer.headers as HeadersObject) : undefined,
    );
    responses[status] = spec.success.schema
      ? { description, headers, content: { "application/json": { schema: spec.success.schema } } }
      : { description, headers };
  }
  for (const status of [...errorStatuses].sort()) {
    if (!(status in responses)) responses[status] = errorResponse(status);
  }
  const request: NonNullable<RouteConfig["request"]> = {};
  if (spec.permission !== "public") request.headers = TenantHeaderSchema;
  if (spec.params) request.params = spec.params as never;
  if (spec.query) request.query = spec.query as never;
  if (bodySchema) {
    request.body = {
      required: spec.bodyRequired ?? true,
      content: { "application/json": { schema: bodySchema } },
    };
  }
  const openapi = createRoute({
    operationId: spec.operationId ?? derivedOperationId(spec.method, spec.path),
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: spec.tags,
    // A public route says so (an empty list): no security requirement, not an undocumented one.
    security: spec.permission === "public" ? [] : [{ ApiKeyAuth: [] }, { BearerAuth: [] }],
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
    // A missing body validates as `{}`, so the caller learns which fields are required; a JSON
    // `null` is a body, and not an object.
    const sent = c.get("body");
    const body = route.body
      ? parsePart(route.body as B, sent === undefined ? {} : sent, [])
      : (undefined as Out<B>);
    return handler(c, { params, query, body });
  });
  app.on([route.method.toUpperCase()], [honoPath], ...handlers);
}
