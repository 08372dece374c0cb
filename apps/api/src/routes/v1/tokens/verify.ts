import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { TOKEN_ERRORS } from "../../../tokens/index";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";

export const VerifyTokenBodySchema = z
  .strictObject({
    token: z
      .string({
        error: (issue) => (issue.input === undefined ? "token is required" : "token must be a string"),
      })
      .min(1, "token is required")
      .max(8192, "token must be at most 8192 characters"),
  })
  .openapi("VerifyToken", { example: { token: "eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9..." } });

const DataElementSchema = z.object({ data_source_id: z.string(), path: z.string() });

export const IntentTokenClaimsSchema = z
  .object({
    iss: z.string(),
    sub: z.string().openapi({ description: "The agent id" }),
    tenant: z.string(),
    jti: z.string().openapi({ description: "The intent id" }),
    iat: z.number().int(),
    exp: z.number().int().openapi({ description: "iat + the intention's ttl_minutes" }),
    purp: z.object({ label: z.string(), data_elements: z.array(DataElementSchema) }),
  })
  .openapi("IntentTokenClaims");

export const TokenVerificationSchema = z
  .union([
    z.object({ valid: z.literal(true), claims: IntentTokenClaimsSchema }),
    z.object({ valid: z.literal(false), error: z.enum(TOKEN_ERRORS), message: z.string() }),
  ])
  .openapi("TokenVerification");

export const verifyTokenRoute = defineRoute({
  operationId: "verifyToken",
  method: "post",
  path: "/v1/tokens/verify",
  permission: "read",
  summary: "Check an intent token: signature, expiry, and that it belongs to the caller's tenant",
  tags: ["Tokens"],
  body: VerifyTokenBodySchema,
  success: {
    status: 200,
    description: "`valid: true` with the claims, or `valid: false` with the reason",
    schema: envelope(TokenVerificationSchema),
  },
});

export function registerVerifyToken(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, verifyTokenRoute, async (c, { body }) => {
    const verification = await c.get("tokens").verify(body.token, callerOf(c).tenantId);
    return c.json({ data: verification });
  });
}
