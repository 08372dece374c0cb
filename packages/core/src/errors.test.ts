import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ERROR_STATUS,
  ErrorCodes,
  formatIssues,
  IntendedOpsError,
  isIntendedOpsError,
  validationError,
  zodIssues,
} from "./errors";
import { CreateIntentInputSchema } from "./model/intent";

function parseError(schema: z.ZodType, input: unknown): z.ZodError {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected a validation failure");
  return result.error;
}

describe("ERROR_STATUS", () => {
  it("maps the guide's error codes to the guide's HTTP statuses", () => {
    expect(ERROR_STATUS).toMatchObject({
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      VALIDATION_ERROR: 400,
      ALREADY_RESOLVED: 400,
      AGENT_NOT_FOUND: 404,
      RATE_LIMITED: 429,
      INTERNAL_ERROR: 500,
    });
  });

  it("maps the extra codes to their conventional statuses", () => {
    expect(ERROR_STATUS).toMatchObject({
      CONFLICT: 409,
      INVALID_STATE: 409,
      IDEMPOTENCY_KEY_REUSED: 422,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      METHOD_NOT_ALLOWED: 405,
      SERVICE_UNAVAILABLE: 503,
    });
  });

  it("gives every code an HTTP error status when listed", () => {
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});

describe("ErrorCodes", () => {
  it("names each code after itself when used as an enum", () => {
    expect(ErrorCodes.AGENT_NOT_FOUND).toBe("AGENT_NOT_FOUND");
    expect(Object.keys(ErrorCodes)).toEqual(Object.keys(ERROR_STATUS));
  });
});

describe("IntendedOpsError", () => {
  it("derives its status from the code when constructed", () => {
    const error = new IntendedOpsError("AGENT_NOT_FOUND", "Agent not found: billing-agent");
    expect(error.status).toBe(404);
    expect(error.name).toBe("IntendedOpsError");
    expect(error.message).toBe("Agent not found: billing-agent");
    expect(error).toBeInstanceOf(Error);
  });

  it("serializes to the guide's envelope without details when none were given", () => {
    expect(JSON.parse(JSON.stringify(new IntendedOpsError("RATE_LIMITED", "Too many requests")))).toEqual({
      error: { code: "RATE_LIMITED", message: "Too many requests" },
    });
  });

  it("serializes details when given, and no stack trace", () => {
    const json = JSON.stringify(new IntendedOpsError("CONFLICT", "Agent id taken", { id: "a" }));
    expect(JSON.parse(json)).toEqual({
      error: { code: "CONFLICT", message: "Agent id taken", details: { id: "a" } },
    });
    expect(json).not.toContain("at ");
  });
});

describe("isIntendedOpsError", () => {
  it("recognizes IntendedOpsError only when given one", () => {
    expect(isIntendedOpsError(new IntendedOpsError("NOT_FOUND", "x"))).toBe(true);
    expect(isIntendedOpsError(new Error("x"))).toBe(false);
    expect(isIntendedOpsError({ code: "NOT_FOUND", message: "x" })).toBe(false);
  });
});

describe("validationError", () => {
  it("produces exactly the guide's message and details when type and agentId are missing", () => {
    const error = validationError(parseError(CreateIntentInputSchema, { domain: "billing" }));
    expect(error.status).toBe(400);
    expect(error.toJSON()).toEqual({
      error: {
        code: "VALIDATION_ERROR",
        message: "type: Intent type is required; agentId: Agent ID is required",
        details: [
          { path: ["type"], message: "Intent type is required" },
          { path: ["agentId"], message: "Agent ID is required" },
        ],
      },
    });
  });

  it("reports type before agentId with the guide's messages when parsing an empty body", () => {
    const { details } = validationError(parseError(CreateIntentInputSchema, {})).toJSON().error;
    const issues = details as { path: string[]; message: string }[];
    expect(issues.filter((d) => d.path[0] !== "domain")).toEqual([
      { path: ["type"], message: "Intent type is required" },
      { path: ["agentId"], message: "Agent ID is required" },
    ]);
  });

  it("reports the guide's messages when the fields have the wrong type", () => {
    const error = validationError(
      parseError(CreateIntentInputSchema, { type: 42, domain: "billing", agentId: null }),
    );
    expect(error.message).toBe("type: Intent type is required; agentId: Agent ID is required");
  });

  it("prefixes paths and joins nested paths with dots when a prefix is given", () => {
    const schema = z.object({
      amount: z.number({ error: "Amount must be a number" }),
      lines: z.array(z.string()),
    });
    const error = validationError(parseError(schema, { amount: "x", lines: ["a", 2] }), ["params"]);
    expect(error.details).toEqual([
      { path: ["params", "amount"], message: "Amount must be a number" },
      { path: ["params", "lines", 1], message: expect.any(String) },
    ]);
    expect(error.message).toMatch(/^params\.amount: Amount must be a number; params\.lines\.1: /);
  });

  it("omits the path in the message when an issue is at the root", () => {
    const error = validationError(parseError(z.string({ error: "Body must be a string" }), 1));
    expect(error.message).toBe("Body must be a string");
    expect(error.details).toEqual([{ path: [], message: "Body must be a string" }]);
  });
});

describe("zodIssues and formatIssues", () => {
  it("convert symbol path segments to strings when a schema keys by symbol", () => {
    const key = Symbol("k");
    const issues = zodIssues(
      new z.ZodError([{ code: "custom", path: [key, 0], message: "bad", input: undefined }]),
    );
    expect(issues).toEqual([{ path: ["Symbol(k)", 0], message: "bad" }]);
    expect(formatIssues(issues)).toBe("Symbol(k).0: bad");
  });
});
