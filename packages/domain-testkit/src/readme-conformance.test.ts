import { describe, expect, it } from "vitest";
import { ledgerDomain } from "./ledger-domain";
import { describeReadmeConformance, expectedReadmeRow, readmeRows } from "./readme-conformance";

const README = `# @intendedops/ledger-agent

| Intent type | Method | Description | Typical value | Class | Default risk | Params (**bold** = required) |
| --- | --- | --- | --- | --- | --- | --- |
| \`ledger.send_invoice\` | \`sendInvoice\` | Generate and send invoice | efficiency | write | medium | **\`customerId\`**, **\`amount\`**, \`currency\` |
| \`ledger.flag_account\` | \`flagAccount\` | Flag a suspicious account | risk_mitigation | write | low | **\`accountId\`** |
| \`ledger.archive_ledger\` | \`archiveLedger\` | Archive a closed ledger | cost_savings | admin | low | **\`ledgerId\`**, **\`periodStart\`**, **\`periodEnd\`**, \`retentionYears\` |
| \`ledger.lookup_balance\` | \`lookupBalance\` | Look up an account balance | – | lookup | low | **\`accountId\`** |
`;

describeReadmeConformance(ledgerDomain, README);

describe("readmeRows", () => {
  const expected = expectedReadmeRow("send_invoice", ledgerDomain.types.send_invoice);

  it("reads a field without its bold marker as optional, so the row no longer matches", () => {
    const unmarked = README.replace("**`amount`**", "`amount`");
    const row = readmeRows("ledger", unmarked).get("ledger.send_invoice");
    expect(row?.params).toContainEqual({ name: "amount", required: false });
    expect(row).not.toEqual(expected);
  });

  it("reads a field the README leaves out as missing, so the row no longer matches", () => {
    const row = readmeRows("ledger", README.replace(", `currency`", "")).get("ledger.send_invoice");
    expect(row?.params.map((p) => p.name)).toEqual(["customerId", "amount"]);
    expect(row).not.toEqual(expected);
  });

  it("ignores table rows of other domains", () => {
    expect([...readmeRows("billing", README).keys()]).toEqual([]);
  });
});
