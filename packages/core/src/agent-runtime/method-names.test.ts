import { describe, expect, it } from "vitest";
import { camelCase } from "./method-names";

describe("camelCase", () => {
  it.each([
    ["send_invoice", "sendInvoice"],
    ["create_knowledge_article", "createKnowledgeArticle"],
    ["reset_credentials", "resetCredentials"],
    ["enable_mfa", "enableMfa"],
    ["archive", "archive"],
    ["check_2fa", "check2fa"],
  ])("turns %s into %s when building method names", (action, method) => {
    expect(camelCase(action)).toBe(method);
  });
});
