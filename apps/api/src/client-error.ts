import { maxHeaderSize, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type ErrorCode, IntendedOpsError } from "@intendedops/core";

type ClientError = NodeJS.ErrnoException & { reason?: string };

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
 * The server's 'clientError' listener: answers what Node's parser refused (a header section over
 * the limit, a bad or duplicate Content-Length, Content-Length with Transfer-Encoding) in the same
 * error envelope as every other failure, then closes the connection. A connection the client
 * already reset, or one whose response has started, is only destroyed: there is no one to tell,
 * or writing would corrupt the answer in progress.
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  // What Node's own default checks: the response in progress on this socket, if any.
  const inProgress = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, message } = refusal(error);
  const body = JSON.stringify(new IntendedOpsError(code, message).toJSON());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
