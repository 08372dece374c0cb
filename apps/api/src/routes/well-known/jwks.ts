import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { defineRoute, mountRoute } from "../api-route";

/** Downstream systems cache the key set; a new key is picked up by refreshing on an unknown kid. */
const CACHE_CONTROL = "public, max-age=300";

export const JwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string().openapi({ example: "OKP" }),
        crv: z.string().openapi({ example: "Ed25519" }),
        x: z.string(),
        kid: z.string(),
        alg: z.string().openapi({ example: "EdDSA" }),
        use: z.string().openapi({ example: "sig" }),
      }),
    ),
  })
  .openapi("JsonWebKeySet");

export const jwksRoute = defineRoute({
  operationId: "getJwks",
  method: "get",
  path: "/.well-known/jwks.json",
  permission: "public",
  summary: "Public keys that sign intent tokens, for offline verification (no authentication)",
  tags: ["Tokens"],
  success: {
    status: 200,
    description: "The JSON Web Key Set (not wrapped in `data`)",
    schema: JwksSchema,
    headers: {
      "Cache-Control": {
        description: "Cacheable for five minutes; refetch on a token whose `kid` is not in the set",
        required: true,
        schema: { type: "string", example: CACHE_CONTROL },
      },
    },
  },
});

export function registerJwksRoute(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, jwksRoute, async (c) => {
    c.header("Cache-Control", CACHE_CONTROL);
    return c.json(await c.get("tokens").jwks());
  });
}
