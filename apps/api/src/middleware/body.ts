import { IntendedOpsError } from "@intendedops/core";
import type { HonoRequest } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function payloadTooLarge(limit: number): IntendedOpsError {
  return new IntendedOpsError("PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes`, { limit });
}

/** Read the whole body, refusing it as soon as it grows past `limit` (chunked bodies have no length). */
async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Hono's request reads its body cache as promises (its type says string): seeding it lets
 * later `c.req.json()` calls, e.g. zod-openapi's validators, reuse the body already read.
 */
function cacheText(req: HonoRequest, text: string): void {
  (req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
}

/**
 * Read and parse a JSON body once, for every route: 413 over the limit, 415 for a non-empty
 * non-JSON body, 400 for malformed JSON. An empty body — whatever its content type, since the
 * guide's clients send `Content-Type: application/json` on body-less requests — is no body.
 */
export function bodyParser() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!METHODS_WITH_BODY.has(c.req.method)) return next();
    const limit = c.get("config").bodyLimitBytes;
    const declared = c.req.header("content-length");
    if (declared !== undefined && Number(declared) > limit) throw payloadTooLarge(limit);
    const stream = c.req.raw.body;
    const bytes = stream ? await readLimited(stream, limit) : new Uint8Array(0);
    if (bytes.byteLength === 0) {
      // Routes built with zod-openapi's own validators read the cache: give them an empty object.
      cacheText(c.req, "{}");
      return next();
    }
    const contentType = c.req.header("content-type") ?? "";
    const mediaType = contentType.split(";")[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new IntendedOpsError(
        "UNSUPPORTED_MEDIA_TYPE",
        `Content-Type must be application/json${mediaType ? `, got ${mediaType}` : ""}`,
      );
    }
    let text: string;
    let parsed: unknown;
    try {
      text = decoder.decode(bytes);
      parsed = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : "invalid JSON";
      throw new IntendedOpsError("VALIDATION_ERROR", "Malformed JSON in request body", [
        { path: [], message: reason },
      ]);
    }
    cacheText(c.req, text);
    c.set("body", parsed);
    return next();
  });
}
