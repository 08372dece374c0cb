import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import {
  answerClientError,
  malformedRequest,
  refuseConnect,
  refusedConnection,
  refuseMalformedRequest,
} from "./client-error";
import type { AppConfig } from "./config";
import { StartupError } from "./startup-error";

/** The Node HTTP server of the API, with the two switches start-up and shutdown need. */
export interface HttpServer {
  readonly server: Server;
  /** Hand requests to the listener; requests that arrived since listen() waited for this. */
  open(): void;
  /**
   * Shutdown began: every response not yet started, and every later one, says `Connection: close`
   * and closes its connection, and idle keep-alive connections are closed now. A keep-alive
   * client would otherwise send its next request on a socket the server is about to cut.
   */
  drain(): void;
}

export interface HttpServerOptions {
  /**
   * Where protocol refusals write their one line each (`logRefusal`, level `warn`): no listener
   * sees them, so without it they leave no trace. The server process passes its logger.
   */
  logger?: Logger;
}

/**
 * A Node HTTP server running `listener`, which holds requests until `open()` and answers protocol
 * errors in the error envelope: those Node's parser refuses (`answerClientError`), requests it
 * parsed that no listener can serve (`malformedRequest`: no Host or more than one, a Host or
 * target that is no URL), and CONNECT. An `Expect` other than `100-continue` is ignored, as RFC
 * 9110 §10.1.1 allows, rather than answered with Node's bare 417.
 * @example const http = createHttpServer(listener, { logger }); await listen(http.server, config); http.open();
 */
export function createHttpServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  options: HttpServerOptions = {},
): HttpServer {
  const { logger } = options;
  let opened!: () => void;
  let ready: Promise<void> | undefined = new Promise((resolve) => {
    opened = resolve;
  });
  let draining = false;
  // Responses not finished yet, so drain() can still turn their keep-alive off.
  const unfinished = new Set<ServerResponse>();
  const forget = function (this: ServerResponse) {
    unfinished.delete(this);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const malformed = malformedRequest(req);
    if (malformed !== undefined) {
      refuseMalformedRequest(req, res, malformed, logger);
      return;
    }
    // Pipelined behind a refusal (only a request waiting for an earlier answer can be): the
    // connection closes once the refusal is written, so it would be served and never answered.
    if (res.socket === null && refusedConnection(req.socket)) return;
    if (draining) res.shouldKeepAlive = false;
    else {
      unfinished.add(res);
      res.once("close", forget);
    }
    if (ready) void ready.then(() => listener(req, res));
    else listener(req, res);
  };
  // Node's own Host check answers a bare 400; malformedRequest makes the same check.
  const server = createServer({ requireHostHeader: false }, handle);
  server.on("checkExpectation", handle);
  server.on("clientError", (error: Error, socket: Duplex) => answerClientError(error, socket, logger));
  server.on("connect", (req: IncomingMessage, socket: Duplex) => refuseConnect(req, socket, logger));
  return {
    server,
    open() {
      ready = undefined;
      opened();
    },
    drain() {
      draining = true;
      for (const res of unfinished) if (!res.headersSent) res.shouldKeepAlive = false;
      unfinished.clear();
      server.closeIdleConnections();
    },
  };
}

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: "the port is already in use",
  EADDRNOTAVAIL: "HOST is not an address of this machine",
  EACCES: "permission denied (ports below 1024 need privileges)",
  ENOTFOUND: "HOST does not resolve to an address",
  EAI_AGAIN: "HOST could not be resolved (DNS did not answer)",
};

/** Bind `config.host`:`config.port`; a failure becomes a StartupError naming HOST and PORT. */
export function listen(server: Server, config: Pick<AppConfig, "host" | "port">): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const why = error.code && LISTEN_FAILURES[error.code];
      reject(
        new StartupError(
          `Cannot listen on HOST=${config.host} PORT=${config.port}: ${why ? `${why} (${error.code})` : error.message}`,
          { cause: error },
        ),
      );
    };
    server.once("error", fail);
    server.listen(config.port, config.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
}
