import { type IncomingMessage, maxHeaderSize, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type ErrorCode, IntendedOpsError } from "@intendedops/core";
import { requestIdFrom } from "./middleware/request-id";
import { nodeHeader } from "./node-request";

type ClientError = NodeJS.ErrnoException & { reason?: string };

/** What Node keeps on a server socket: the response being written, and the request being parsed. */
type ServerSocket = Duplex & {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming?: IncomingMessage | null } | null;
};

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

/** Sockets whose refusal is written (or waits for the responses before it): llhttp reports every later chunk too. */
const refusing = new WeakSet<Duplex>();

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
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable) {
    socket.destroy();
    return;
  }
  if (refusing.has(socket)) return;
  refusing.add(socket);
  const { status, code, message } = refusal(error);
  const body = JSON.stringify(new IntendedOpsError(code, message).toJSON());
  const refuse = () => {
    // Not writable: the last answer closed the connection (Node destroys it once flushed), or it is gone.
    if (!socket.writable) return;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };
  const server = socket as ServerSocket;
  const parsing = server.parser?.incoming;
  if (parsing && !parsing.complete) {
    // The answers to complete requests pipelined before the broken one go out first (the refusal
    // at once took their place: the client read it as the answer to a submission that was recorded).
    afterEarlierResponses(server, parsing, () => {
      // What Node's own default checks: the broken request's response, if it has started.
      if (server._httpMessage?.headersSent) socket.destroy();
      else refuse();
    });
    return;
  }
  afterResponses(server, refuse);
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

/**
 * Why a request Node's parser accepted cannot be served, or undefined when it can: an HTTP/1.1
 * request without Host (RFC 9112 §3.2; Node's own check answers a bare 400, so the server turns it
 * off and checks here), or a request target or Host the app's adapter (@hono/node-server) cannot
 * make a URL of — `OPTIONS *`, a Host such as `a b` or `u@h`, a backslash in the path — which it
 * answered with an empty text/plain 400 while the submission listener served the same request.
 * One check in front of both keeps their answers the same. A valid Host in upper case is
 * lower-cased in `req.headers`, for the adapter's test (see isValidHost).
 */
export function malformedRequest(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    return "Host header missing";
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

/** Answer `malformedRequest`'s refusal: 400 in the error envelope, with the request id, closing the connection. */
export function refuseMalformedRequest(req: IncomingMessage, res: ServerResponse, reason: string): void {
  const error = new IntendedOpsError("VALIDATION_ERROR", `Malformed HTTP request: ${reason}`);
  const body = JSON.stringify(error.toJSON());
  res.shouldKeepAlive = false;
  res.writeHead(400, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestIdFrom(nodeHeader(req.headers, "x-request-id")),
  });
  res.end(body);
}
