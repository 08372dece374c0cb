import { describe, expect, it } from "vitest";
import { IntentionPatchSchema } from "../governor/governor-inputs";
import { admin, createHarness } from "../governor/test-fixtures";
import { IntentionInputSchema } from "./intention-schema";

describe("IntentionInputSchema", () => {
  it('refuses the label "ambient", which decisions use for unmatched traffic', () => {
    const result = IntentionInputSchema.safeParse({ label: "ambient", intent_class: "lookup" });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ["label"],
        message: 'label "ambient" is reserved for unmatched traffic',
      }),
    ]);
    expect(IntentionPatchSchema.safeParse({ label: "ambient" }).success).toBe(false);
  });

  it("makes the governor answer VALIDATION_ERROR at label", async () => {
    const { governor } = createHarness();
    await expect(
      governor.createIntention(admin, { label: "ambient", intent_class: "lookup" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [expect.objectContaining({ path: ["label"] })],
    });
  });

  it("still accepts labels that merely contain the word", () => {
    for (const label of ["ambient_lookup", "non_ambient", "ambient2"]) {
      expect(IntentionInputSchema.safeParse({ label, intent_class: "lookup" }).success).toBe(true);
    }
  });
});
