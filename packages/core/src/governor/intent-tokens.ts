import { AMBIENT } from "../intentions/ambient";
import type { Intent } from "../model/intent";
import type { GovernorContext, WriteScope } from "./governor-context";

/**
 * The intent token of an intent that has just become approved, or null when no minter is
 * configured, the intent is ambient, or its intention is no longer active (an archived intention
 * stops vouching for new work, even work it matched earlier). Call inside the approving scope.
 */
export async function mintOnApproval(
  ctx: GovernorContext,
  scope: WriteScope,
  intent: Intent,
): Promise<string | null> {
  if (ctx.mintIntentToken === undefined || intent.intention === AMBIENT) return null;
  const intention = await scope.tx.intentions.getByLabel(scope.tenantId, intent.intention);
  if (intention?.status !== "active") return null;
  return ctx.mintIntentToken({ intent, intention, now: scope.now });
}
