import { type IncomingMessage, maxHeaderSize, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type ErrorCode, IntendedOpsError, newId } from "@intendedops/core";
import type { Logger } from "pino";
import { logRefusal } from "./middleware/logger";
import { requestIdFrom } from "./middleware/request-id";
import { nodeHeader } from "./node-request";

/** What Node's 'clientError' carries: llhttp's rule (`reason`) and the chunk it was parsing. */
type ClientError = NodeJS.ErrnoException & { reason?: string; rawPacket?: Buffer };

/** What Node keeps on a server socket: the response being written, and the request being parsed. */
type ServerSocket = Duplex & {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming?: IncomingMessage | null } | null;
  remoteAddress?: string;
};

/** At most this much of a request target goes into a log line. */
const LOGGED_PATH_CHARS = 256;
/** A request line longer than this is not looked for in the bytes Node refused. */
const MAX_LOGGED_REQUEST_LINE = 2048;
const REQUEST_LINE = /^([A-Z]{1,20}) (\S+) HTTP\/\d\.\d\r?$/;

/** A request target as a refusal's line shows it: no query or fragment, bounded, printable ASCII only. */
function loggedPath(target: string): string {
  const end = target.search(/[?#]/);
  return (end === -1 ? target : target.slice(0, end)).slice(0, LOGGED_PATH_CHARS).replace(/[^!-~]/g, "?");
}

/** Method and path of the request line `packet` starts with, if it starts with a well-formed one. */
function requestLineOf(packet: Buffer | undefined): { method?: string; path?: string } {
  if (!packet) return {};
  const end = packet.subarray(0, MAX_LOGGED_REQUEST_LINE).indexOf(0x0a);
  if (end === -1) return {};
  const match = REQUEST_LINE.exec(packet.toString("latin1", 0, end));
  return match ? { method: match[1], path: loggedPath(match[2]!) } : {};
}

/**
 * Write a refusal straight on the socket, where no response object exists for it, and close the
 * connection. `requestId` is sent when the request's headers were read.
 */
function writeRefusal(socket: Duplex, status: number, body: string, requestId?: string): void {
  // Not writable: the last answer closed the connection (Node destroys it once flushed), or it is gone.
  if (!socket.writable) return;
  const id = requestId === undefined ? "" : `X-Request-Id: ${requestId}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n${id}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** Status, code and message for a request Node's HTTP parser refused before any handler saw it. */
function refusal(error: ClientError): { status: number; code: ErrorCode; message: string } {
  switch (error.code) {
    // No code of ours names the header section; VALIDATION_ERROR with 431 keeps the status exact.
    case "HPE_HEADER_OVERFLOW":
      return {
        status: 431,
        code: "VALIDATION_ERROR",
        message: `Request headers are larger than ${maxHeaderSize} bytes`,
      };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return {
        status: 413,
        code: "PAYLOAD_TOO_LARGE",
        message: "Chunk extensions of the request body are too large",
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, code: "VALIDATION_ERROR", message: "The request was not received in time" };
    default:
      // llhttp's reason names the rule ("Duplicate Content-Length"), never the client's bytes.
      return {
        status: 400,
        code: "VALIDATION_ERROR",
        message: `Malformed HTTP request: ${error.reason ?? error.message}`,
      };
  }
}

/**
 * Connections with a refusal written or waiting for the answers before it. There is one refusal per
 * connection, and one log line: llhttp reports every later chunk too, and requests pipelined behind
 * a refused one are dropped (the connection closes first), so garbage sent in a loop costs one line.
 */
const refusing = new WeakSet<Duplex>();

/** True once a refusal is written or waiting on `socket`: requests parsed after it will never be answered. */
export function refusedConnection(socket: Duplex): boolean {
  return refusing.has(socket);
}

/** Call `then` once no response is in flight on `socket`: pipelined ones are written one after another. */
function afterResponses(socket: ServerSocket, then: () => void): void {
  const current = socket._httpMessage;
  if (!current) {
    then();
    return;
  }
  // Node attaches the next pipelined response when this one finishes, before 'close'.
  current.once("close", () => afterResponses(socket, then));
}

/**
 * The server's 'clientError' listener: answers what Node's parser refused (a header section over
 * the limit, a bad or duplicate Content-Length, Content-Length with Transfer-Encoding) in the same
 * error envelope as every other failure, then closes the connection. A connection the client
 * already reset is only destroyed: there is no one to tell.
 *
 * When the bytes Node refused follow requests it parsed whole (a Content-Length shorter than the
 * body, garbage pipelined after a request), those requests are being served: their answers are
 * written first and the refusal after them. Answering at once cut them off, so a client whose
 * submission was recorded (201 in the log) saw only the 400, and a retry recorded it twice. When
 * the refused bytes are inside the body of the request being served, that request is broken: the
 * refusal goes out at once, unless its own answer has started (writing would corrupt it).
 *
 * With `logger`, a refusal no listener saw writes one `logRefusal` line once it is written: a fresh
 * request id (the headers were not read; the answer's `X-Request-Id` carries the same one), and
 * the method and path when the refused bytes start with a well-formed request line. A refusal inside the body of a request
 * being served is that request's: its listener logs it. A client that reset the connection is not
 * logged: nothing was refused to anyone.
 */
export function answerClientError(error: ClientError, socket: Duplex, logger?: Logger): void {
  if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable) {
    socket.destroy();
    return;
  }
  if (refusing.has(socket)) return;
  refusing.add(socket);
  const startedAt = performance.now();
  const { status, code, message } = refusal(error);
  const body = JSON.stringify(new IntendedOpsError(code, message).toJSON());
  const server = socket as ServerSocket;
  const parsing = server.parser?.incoming;
  if (parsing && !parsing.complete) {
    const refuse = () => writeRefusal(socket, status, body);
    // The answers to complete requests pipelined before the broken one go out first (the refusal
    // at once took their place: the client read it as the answer to a submission that was recorded).
    afterEarlierResponses(server, parsing, () => {
      // What Node's own default checks: the broken request's response, if it has started.
      if (server._httpMessage?.headersSent) socket.destroy();
      else refuse();
    });
    return;
  }
  // With an answer in flight, the chunk may start with the requests it answers, not the refused one.
  const line = server._httpMessage ? {} : requestLineOf(error.rawPacket);
  // The headers were not read, so no id was sent to echo: a fresh one, in the answer and the log
  // line alike, so a client's report of the refusal leads to its line.
  const requestId = newId("request");
  afterResponses(server, () => {
    writeRefusal(socket, status, body, requestId);
    if (!logger) return;
    logRefusal(logger, {
      requestId,
      ...line,
      status,
      startedAt,
      reason: message,
      remoteAddress: server.remoteAddress,
    });
  });
}

/** Call `then` once the response in flight on `socket`, if any, is the one to `request`. */
function afterEarlierResponses(socket: ServerSocket, request: IncomingMessage, then: () => void): void {
  const current = socket._httpMessage;
  if (!current || current.req === request) {
    then();
    return;
  }
  current.once("close", () => afterEarlierResponses(socket, request, then));
}

/** The last Host value found valid: a server sees the same one or few on nearly every request. */
let lastValidHost: string | undefined;

/**
 * A lower-case Host value @hono/node-server accepts: it parses as a URL authority that is a host
 * and optional port, nothing else. (Its test compares the parsed, lower-cased host name with the
 * header as sent, so it refuses `LOCALHOST:3000`; host names are case-insensitive, so the header is
 * lower-cased first — see malformedRequest.)
 */
function isValidHost(host: string): boolean {
  if (host === lastValidHost) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return false;
  }
  // The same test as @hono/node-server's (request.ts): `u@h` or `a/b` parse, to another host.
  const valid = hostname.length === host.length || hostname === host.replace(/:\d+$/, "");
  if (valid) lastValidHost = host;
  return valid;
}

/** `name` is `Host` in any case; allocates only for a four-letter name in neither usual case. */
function isHostName(name: string): boolean {
  return name.length === 4 && (name === "Host" || name === "host" || name.toLowerCase() === "host");
}

/** More than one Host field line in `rawHeaders` (name, value, name, value, …). */
function repeatsHost(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!isHostName(rawHeaders[i]!)) continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

/**
 * Why a request Node's parser accepted cannot be served, or undefined when it can: an HTTP/1.1
 * request without Host, or a request of any version with more than one Host field line (RFC 9112
 * §3.2; Node's own check for a missing one answers a bare 400, so the server turns it off and
 * checks here, and of repeated ones Node keeps the first and serves the request), or a request
 * target or Host the app's adapter (@hono/node-server) cannot make a URL of — `OPTIONS *`, a Host such as `a b` or `u@h`, a backslash in the path — which it
 * answered with an empty text/plain 400 while the submission listener served the same request.
 * One check in front of both keeps their answers the same. A valid Host in upper case is
 * lower-cased in `req.headers`, for the adapter's test (see isValidHost).
 */
export function malformedRequest(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined) {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) return "Host header missing";
  } else if (req.rawHeaders.length > 2 && repeatsHost(req.rawHeaders)) {
    // Two fields need four entries: a request with Host alone is not scanned.
    return "more than one Host header";
  }
  const target = req.url ?? "";
  const absolute = target[0] !== "/" && (target.startsWith("http://") || target.startsWith("https://"));
  if (!absolute && target[0] !== "/") return "the request target must be a path";
  const backslash = target.indexOf("\\");
  if (backslash !== -1) {
    const query = target.indexOf("?");
    if (query === -1 || backslash < query) return "backslash in the request path";
  }
  if (absolute) return URL.canParse(target) ? undefined : "invalid absolute URL in the request target";
  // An empty Host is allowed (RFC 9112 §3.2): the app then uses the server's own host name.
  if (!host || host === lastValidHost) return undefined;
  const lower = host.toLowerCase();
  if (!isValidHost(lower)) return "invalid Host header";
  // The app's adapter would refuse `LOCALHOST:3000`, which the listener serves: both get it lower-cased.
  if (lower !== host) req.headers.host = lower;
  return undefined;
}

/**
 * Answer `malformedRequest`'s refusal: 400 in the error envelope, with the request id, closing the
 * connection; with `logger`, its `logRefusal` line. A request pipelined behind a refused one is
 * neither answered nor logged: the connection closes before its turn.
 */
export function refuseMalformedRequest(
  req: IncomingMessage,
  res: ServerResponse,
  reason: string,
  logger?: Logger,
): void {
  if (refusing.has(req.socket)) return;
  refusing.add(req.socket);
  const startedAt = performance.now();
  const message = `Malformed HTTP request: ${reason}`;
  const body = JSON.stringify(new IntendedOpsError("VALIDATION_ERROR", message).toJSON());
  const requestId = requestIdFrom(nodeHeader(req.headers, "x-request-id"));
  res.shouldKeepAlive = false;
  res.writeHead(400, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
  });
  res.end(body);
  logRequestRefusal(logger, req, requestId, message, startedAt);
}

/**
 * The server's 'connect' listener. This is no proxy: a CONNECT request is refused with 400 in the
 * error envelope and the request id, after the answers to requests pipelined before it, and
 * logged like every refusal. Without a listener Node drops the connection without a word.
 */
export function refuseConnect(req: IncomingMessage, socket: Duplex, logger?: Logger): void {
  if (refusing.has(socket)) return;
  refusing.add(socket);
  const startedAt = performance.now();
  const message = "Malformed HTTP request: CONNECT is not supported";
  const body = JSON.stringify(new IntendedOpsError("VALIDATION_ERROR", message).toJSON());
  const requestId = requestIdFrom(nodeHeader(req.headers, "x-request-id"));
  afterResponses(socket as ServerSocket, () => {
    writeRefusal(socket, 400, body, requestId);
    logRequestRefusal(logger, req, requestId, message, startedAt);
  });
}

/** The 400 refusal line of a request whose head Node parsed. */
function logRequestRefusal(
  logger: Logger | undefined,
  req: IncomingMessage,
  requestId: string,
  reason: string,
  startedAt: number,
): void {
  if (!logger) return;
  logRefusal(logger, {
    requestId,
    method: req.method,
    path: loggedPath(req.url ?? ""),
    status: 400,
    startedAt,
    reason,
    remoteAddress: req.socket.remoteAddress,
  });
}
