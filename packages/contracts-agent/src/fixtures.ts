import type { ParamsFixture } from "@intendedops/core";
import type { ContractsTypeName } from "./domain";

/**
 * One valid and one invalid params example per contracts intent type, for this package's
 * tests and the API's. `send_for_signature`'s valid example is the guide's, verbatim.
 */
export const contractsFixtures: Record<ContractsTypeName, ParamsFixture> = {
  "contracts.create_agreement": {
    valid: {
      counterpartyName: "Acme Corp",
      agreementType: "msa",
      templateId: "tpl_msa_v4",
      value: 48_000,
      startDate: "2026-02-01",
      endDate: "2027-01-31",
    },
    invalid: { counterpartyName: "Acme Corp", agreementType: "handshake", startDate: "2026-02-01" },
    invalidField: "agreementType",
  },
  "contracts.send_for_signature": {
    valid: {
      contractId: "contract_456",
      signers: [
        { email: "legal@acme.com", name: "Jane Smith", order: 1 },
        { email: "ceo@acme.com", name: "John Doe", order: 2 },
      ],
      deadline: "2026-02-15",
      reminderDays: [7, 3, 1],
    },
    invalid: { contractId: "contract_456", signers: [], deadline: "2026-02-15" },
    invalidField: "signers",
  },
  "contracts.generate_amendment": {
    valid: {
      contractId: "contract_456",
      changes: [{ clause: "4.2", summary: "Extend payment terms from net 30 to net 45" }],
      effectiveDate: "2026-03-01",
    },
    invalid: { contractId: "contract_456", changes: [], effectiveDate: "2026-03-01" },
    invalidField: "changes",
  },
  "contracts.notify_expiration": {
    valid: { contractId: "contract_456", expirationDate: "2026-06-30", recipients: ["owner@example.com"] },
    invalid: { contractId: "contract_456", expirationDate: "2026-06-30", recipients: ["not-an-email"] },
    invalidField: "recipients",
  },
  "contracts.archive_contract": {
    valid: { contractId: "contract_456", reason: "completed", retentionYears: 10 },
    invalid: { contractId: "contract_456", reason: "completed", retentionYears: 0 },
    invalidField: "retentionYears",
  },
  "contracts.request_approval": {
    valid: {
      contractId: "contract_456",
      approvalType: "legal",
      approvers: ["counsel_12"],
      dueDate: "2026-02-10",
    },
    invalid: { contractId: "contract_456", approvalType: "legal", approvers: [] },
    invalidField: "approvers",
  },
  "contracts.track_obligation": {
    valid: {
      contractId: "contract_456",
      obligation: "Deliver the quarterly SLA report",
      ownerId: "user_42",
      dueDate: "2026-04-15",
      recurrence: "quarterly",
    },
    invalid: {
      contractId: "contract_456",
      obligation: "Deliver the quarterly SLA report",
      ownerId: "user_42",
      dueDate: "2026-04-15",
      recurrence: "fortnightly",
    },
    invalidField: "recurrence",
  },
  "contracts.extract_terms": {
    valid: { contractId: "contract_456", terms: ["renewal", "termination", "liability"] },
    invalid: { contractId: "", terms: ["renewal"] },
    invalidField: "contractId",
  },
  "contracts.compare_versions": {
    valid: { contractId: "contract_456", baseVersion: "v3", compareVersion: "v4" },
    invalid: { contractId: "contract_456", baseVersion: "v3", compareVersion: "v3" },
    invalidField: "compareVersion",
  },
  "contracts.auto_renew": {
    valid: {
      contractId: "contract_456",
      renewalTermMonths: 12,
      renewalValue: 24_000,
      priceIncreasePercent: 5,
    },
    invalid: { contractId: "contract_456", renewalTermMonths: 12, renewalValue: -24_000 },
    invalidField: "renewalValue",
  },
};
