import type { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError, validationError } from "@intendedops/core";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../../context";
import { assertJsonContentType, exactText } from "../../../middleware/body";
import { receiveInbound } from "../../../webhooks/inbound-receiver";
import { defineRoute, envelope } from "../../api-route";
import { IdParamsSchema } from "../pagination";
import { InboundAcceptedSchema, InboundReportBodySchema } from "./schema";

export const receiveInboundRoute = defineRoute({
  operationId: "receiveInboundReport",
  method: "post",
  path: "/v1/inbound/{id}",
  permission: "public",
  summary:
    "An external executor reports an intent's outcome (Standard Webhooks signature with the endpoint's secret; no API key)",
  tags: ["Inbound webhooks"],
  params: IdParamsSchema,
  body: InboundReportBodySchema,
  success: { status: 200, description: "The intent's new status", schema: envelope(InboundAcceptedSchema) },
  errors: [400, 401, 403, 404, 409, 429, 503],
});

/**
 * Mounted by hand rather than with mountRoute: the signature covers the raw bytes, so the body
 * is read as text and verified before anything parses it.
 */
export function registerReceiveInbound(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath(receiveInboundRoute.openapi);
  app.post(
    "/v1/inbound/:id",
    async (c, next) =>
      bodyLimit({
        maxSize: c.get("config").bodyLimitBytes,
        onError: () => {
          throw new IntendedOpsError(
            "PAYLOAD_TOO_LARGE",
            `Request body exceeds ${c.get("config").bodyLimitBytes} bytes`,
          );
        },
      })(c, next),
    async (c) => {
      const params = IdParamsSchema.safeParse(c.req.param());
      if (!params.success) throw validationError(params.error);
      assertJsonContentType(c.req.header("content-type"));
      const result = await receiveInbound(
        {
          store: c.get("store"),
          governor: c.get("governor"),
          secrets: c.get("webhooks").secrets,
          clock: c.get("clock"),
        },
        {
          endpointId: params.data.id,
          headers: c.req.raw.headers,
          body: exactText(new Uint8Array(await c.req.arrayBuffer())),
        },
      );
      return c.json({
        data: { intentId: result.intent.id, status: result.intent.status, messageId: result.messageId },
      });
    },
  );
}
