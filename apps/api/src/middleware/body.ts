import { IntendedOpsError } from "@intendedops/core";
import type { HonoRequest } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { type HeaderReader, type NodeIncoming, nodeIncoming, requestHeader } from "../node-request";
import { assertStorableJson } from "./json-shape";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** True for the methods (upper case, as requests carry them) whose bodies `bodyParser` checks. */
export function mayCarryBody(method: string): boolean {
  return METHODS_WITH_BODY.has(method);
}

function payloadTooLarge(limit: number): IntendedOpsError {
  return new IntendedOpsError("PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes`, { limit });
}

/**
 * The client closed the connection before its whole body arrived (or the server cut it at the
 * shutdown timeout): the client's doing, so a 400 logged as a request, not a 500 fault with a stack.
 */
function bodyIncomplete(): IntendedOpsError {
  return new IntendedOpsError(
    "VALIDATION_ERROR",
    "Request body incomplete: the connection closed before the whole body arrived",
  );
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

/**
 * Read the Node request directly. Touching `c.req.raw.body` would make @hono/node-server build a
 * full web Request and a web stream over the socket, which costs more than the rest of a small
 * request; the bytes are the same.
 */
function readIncoming(incoming: NodeIncoming, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    incoming.on("data", (chunk) => {
      if (settled) return;
      size += chunk.byteLength;
      // The rest of an oversized body is drained and dropped by the server after the response.
      if (size > limit) settle(payloadTooLarge(limit));
      else chunks.push(chunk);
    });
    let ended = false;
    incoming.on("end", () => {
      ended = true;
      settle();
    });
    // Node reports a connection closed mid-body as "aborted" (ECONNRESET), or only as a close.
    incoming.on("close", () => settle(ended ? undefined : bodyIncomplete()));
    incoming.on("error", (error) =>
      settle((error as NodeJS.ErrnoException).code === "ECONNRESET" ? bodyIncomplete() : error),
    );
  });
}

const decoder = new TextDecoder("utf-8", { fatal: true });
/** Keeps a leading byte-order mark as U+FEFF: the text stands for exactly the bytes received. */
const exactDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of exactly `bytes`, for a signature that covers the bytes as received: a leading
 * byte-order mark stays in it, and invalid UTF-8 is refused (400 VALIDATION_ERROR, as for every
 * other body) instead of being replaced with U+FFFD, which would stand for bytes nobody signed.
 */
export function exactText(bytes: Uint8Array): string {
  try {
    return exactDecoder.decode(bytes);
  } catch (error) {
    throw malformedBody(error);
  }
}

/** 400 VALIDATION_ERROR for a body that is not UTF-8 JSON, with the decoder's or parser's reason. */
function malformedBody(error: unknown): IntendedOpsError {
  const reason = error instanceof Error ? error.message : "invalid JSON";
  return new IntendedOpsError("VALIDATION_ERROR", "Malformed JSON in request body", [
    { path: [], message: reason },
  ]);
}

/**
 * Hono's request reads its body cache as promises (its type says string): seeding it lets
 * later `c.req.json()` calls, e.g. zod-openapi's validators, reuse the body already read.
 */
function cacheText(req: HonoRequest, text: string): void {
  (req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
}

/** A request's JSON body: its text and its parsed value. */
export interface JsonBody {
  text: string;
  value: unknown;
}

/** 415 unless the media type is JSON (`application/json`, `application/*+json`; parameters ignored). */
export function assertJsonContentType(contentType: string | undefined): void {
  const mediaType = (contentType ?? "").split(";")[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new IntendedOpsError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type must be application/json${mediaType ? `, got ${mediaType}` : ""}`,
    );
  }
}

/** 413 before reading a body whose declared length is already over the limit. */
function refuseDeclaredOversize(contentLength: string | undefined, limit: number): void {
  if (contentLength !== undefined && Number(contentLength) > limit) throw payloadTooLarge(limit);
}

/**
 * The body as JSON; undefined when it is empty. 415 for a non-JSON content type or any content
 * coding (bodies are read as sent, so a gzip body would only fail as malformed JSON, and plain
 * JSON labelled gzip would pass), 400 for malformed JSON, or for JSON the server cannot store
 * faithfully (see `assertStorableJson`).
 */
function parseJsonBody(bytes: Uint8Array, header: HeaderReader): JsonBody | undefined {
  if (bytes.byteLength === 0) return undefined;
  assertJsonContentType(header("content-type"));
  const coding = header("content-encoding")?.trim().toLowerCase();
  if (coding !== undefined && coding !== "" && coding !== "identity") {
    throw new IntendedOpsError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Encoding ${coding} is not supported: send the body uncompressed`,
    );
  }
  let body: JsonBody;
  try {
    const text = decoder.decode(bytes);
    body = { text, value: JSON.parse(text) };
  } catch (error) {
    throw malformedBody(error);
  }
  assertStorableJson(body.value, body.text);
  return body;
}

/**
 * Read a Node request's body as JSON (undefined when empty), with the same refusals as
 * `bodyParser`: 413 over `limit`, 415 for a non-empty non-JSON body, 400 for malformed JSON.
 */
export async function readNodeJsonBody(
  incoming: NodeIncoming,
  header: HeaderReader,
  limit: number,
): Promise<JsonBody | undefined> {
  refuseDeclaredOversize(header("content-length"), limit);
  const bytes = incoming.readableEnded ? new Uint8Array(0) : await readIncoming(incoming, limit);
  return parseJsonBody(bytes, header);
}

/**
 * Read and parse a JSON body once, for every route that may carry one, body schema or not:
 * 413 over the limit, 415 for a non-empty non-JSON body, 400 for malformed JSON. An empty body —
 * whatever its content type, since the guide's clients send `Content-Type: application/json` on
 * body-less requests — is no body.
 */
export function bodyParser() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!mayCarryBody(c.req.method)) return next();
    const limit = c.get("config").bodyLimitBytes;
    refuseDeclaredOversize(requestHeader(c, "content-length"), limit);
    const node = nodeIncoming(c.env);
    const incoming = node && !node.readableEnded ? node : undefined;
    const stream = incoming ? undefined : c.req.raw.body;
    const bytes = incoming
      ? await readIncoming(incoming, limit)
      : stream
        ? await readLimited(stream, limit)
        : new Uint8Array(0);
    const body = parseJsonBody(bytes, (name) => requestHeader(c, name));
    // Routes built with zod-openapi's own validators read the cache: an empty body reads as {}.
    cacheText(c.req, body?.text ?? "{}");
    if (body) c.set("body", body.value);
    return next();
  });
}
