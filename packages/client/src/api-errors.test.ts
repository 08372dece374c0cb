import { describe, expect, it } from "vitest";
import {
  AgentNotFoundError,
  AlreadyResolvedError,
  ConflictError,
  errorFromResponse,
  type FailedResponse,
  ForbiddenError,
  IdempotencyKeyReusedError,
  IntendedOpsApiError,
  InternalError,
  InvalidStateError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from "./api-errors";

function response(status: number, body: unknown, extra: Partial<FailedResponse> = {}): FailedResponse {
  return {
    status,
    statusText: "",
    bodyText: typeof body === "string" ? body : JSON.stringify(body),
    requestId: undefined,
    retryAfterSeconds: undefined,
    ...extra,
  };
}

describe("errorFromResponse", () => {
  it("builds a ValidationError with the guide's details when the code is VALIDATION_ERROR", () => {
    const details = [
      { path: ["type"], message: "Intent type is required" },
      { path: ["agentId"], message: "Agent ID is required" },
    ];
    const error = errorFromResponse(
      response(400, {
        error: {
          code: "VALIDATION_ERROR",
          message: "type: Intent type is required; agentId: Agent ID is required",
          details,
        },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: "VALIDATION_ERROR",
      status: 400,
      message: "type: Intent type is required; agentId: Agent ID is required",
      details,
      name: "ValidationError",
    });
  });

  it("picks the class by code when two codes share a status", () => {
    const cases = [
      [400, "ALREADY_RESOLVED", AlreadyResolvedError],
      [404, "AGENT_NOT_FOUND", AgentNotFoundError],
      [404, "NOT_FOUND", NotFoundError],
      [409, "CONFLICT", ConflictError],
      [409, "INVALID_STATE", InvalidStateError],
      [401, "UNAUTHORIZED", UnauthorizedError],
      [403, "FORBIDDEN", ForbiddenError],
      [422, "IDEMPOTENCY_KEY_REUSED", IdempotencyKeyReusedError],
      [413, "PAYLOAD_TOO_LARGE", PayloadTooLargeError],
      [500, "INTERNAL_ERROR", InternalError],
    ] as const;
    for (const [status, code, type] of cases) {
      const error = errorFromResponse(response(status, { error: { code, message: code } }));
      expect(error, code).toBeInstanceOf(type);
      expect(error.code).toBe(code);
    }
  });

  it("makes AgentNotFoundError a NotFoundError so one catch covers both", () => {
    const error = errorFromResponse(response(404, { error: { code: "AGENT_NOT_FOUND", message: "x" } }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(IntendedOpsApiError);
  });

  it("carries retryAfterSeconds when the error is RATE_LIMITED", () => {
    const error = errorFromResponse(
      response(
        429,
        { error: { code: "RATE_LIMITED", message: "Too many requests" } },
        { retryAfterSeconds: 7 },
      ),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(7);
  });

  it("takes the request id from the header, else from the envelope", () => {
    const body = { error: { code: "INTERNAL_ERROR", message: "boom", requestId: "req_body" } };
    expect(errorFromResponse(response(500, body, { requestId: "req_header" })).requestId).toBe("req_header");
    expect(errorFromResponse(response(500, body)).requestId).toBe("req_body");
  });

  it("yields a typed error by status when the body is not JSON", () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    const error = errorFromResponse(response(502, html, { statusText: "Bad Gateway" }));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.code).toBe("INTERNAL_ERROR");
    expect(error.status).toBe(502);
    expect(error.message).toContain("HTTP 502 Bad Gateway");
    expect(errorFromResponse(response(404, "Not Found"))).toBeInstanceOf(NotFoundError);
    expect(errorFromResponse(response(429, ""))).toBeInstanceOf(RateLimitedError);
  });

  it("gives a ValidationError an empty details array when a 400 has no envelope", () => {
    const error = errorFromResponse(response(400, "bad request"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([]);
  });

  it("keeps an unknown code and falls back to the status's class", () => {
    const error = errorFromResponse(
      response(503, { error: { code: "SERVICE_UNAVAILABLE", message: "down" } }),
    );
    expect(error).toBeInstanceOf(InternalError);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    const teapot = errorFromResponse(
      response(418, { error: { code: "TEAPOT", message: "short and stout" } }),
    );
    expect(teapot.constructor).toBe(IntendedOpsApiError);
    expect(teapot.code).toBe("TEAPOT");
  });

  it("truncates a long non-JSON body in the message", () => {
    const error = errorFromResponse(response(500, "x".repeat(5000)));
    expect(error.message.length).toBeLessThan(300);
  });
});

describe("TimeoutError", () => {
  it("is a NetworkError so one catch covers every missing response", () => {
    const error = new TimeoutError({ code: "TIMEOUT", status: 0, message: "timed out" });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.name).toBe("TimeoutError");
  });
});
