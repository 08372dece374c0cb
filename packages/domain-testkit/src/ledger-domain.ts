import {
  amountField,
  costSavingsCents,
  currencyField,
  dateField,
  dateOrderOk,
  defineDomain,
  defineIntentType,
  efficiencyCents,
  idField,
  type ParamsFixture,
  riskForAmount,
  riskMitigationCents,
} from "@intendedops/core";
import { z } from "zod";

export const LEDGER_MINUTES_SAVED = { send_invoice: 15 } as const;
export const LEDGER_RISK_MITIGATION_CENTS = { flag_account: 5_000 } as const;
export const LEDGER_COST_SAVINGS_CENTS = { archive_ledger: 900 } as const;
export const LEDGER_INVOICE_HIGH_ABOVE = 1_000;

/** A small domain for the testkit's own tests: one type of each value category and one without. */
export const ledgerDomain = defineDomain({
  name: "ledger",
  description: "Test ledger domain",
  types: {
    send_invoice: defineIntentType({
      name: "ledger.send_invoice",
      description: "Generate and send invoice",
      valueCategory: "efficiency",
      intentClass: "write",
      defaultRisk: "medium",
      params: z
        .object({
          customerId: idField("Customer to invoice"),
          amount: amountField("Invoice total"),
          currency: currencyField(),
        })
        .strict(),
      escalateRisk: (p) => riskForAmount(p.amount, { highAbove: LEDGER_INVOICE_HIGH_ABOVE }),
      estimateValue: (_p, s) => efficiencyCents(LEDGER_MINUTES_SAVED.send_invoice, s),
    }),
    flag_account: defineIntentType({
      name: "ledger.flag_account",
      description: "Flag a suspicious account",
      valueCategory: "risk_mitigation",
      intentClass: "write",
      defaultRisk: "low",
      params: z.object({ accountId: idField("Account to flag") }).strict(),
      estimateValue: (_p, s) =>
        riskMitigationCents(s, "ledger.flag_account", LEDGER_RISK_MITIGATION_CENTS.flag_account),
    }),
    archive_ledger: defineIntentType({
      name: "ledger.archive_ledger",
      description: "Archive a closed ledger",
      valueCategory: "cost_savings",
      intentClass: "admin",
      defaultRisk: "low",
      params: z
        .object({
          ledgerId: idField("Ledger to archive"),
          periodStart: dateField("First day archived"),
          periodEnd: dateField("Last day archived"),
          retentionYears: z.number().int().min(1).default(7).describe("Years to keep the archive"),
        })
        .strict()
        .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
          path: ["periodEnd"],
          message: "periodEnd must not be before periodStart",
        }),
      estimateValue: (_p, s) =>
        costSavingsCents(s, "ledger.archive_ledger", LEDGER_COST_SAVINGS_CENTS.archive_ledger),
    }),
    lookup_balance: defineIntentType({
      name: "ledger.lookup_balance",
      description: "Look up an account balance",
      valueCategory: null,
      intentClass: "lookup",
      defaultRisk: "low",
      params: z.object({ accountId: idField("Account to read") }).strict(),
    }),
  },
});

export const ledgerFixtures: Record<`ledger.${keyof typeof ledgerDomain.types}`, ParamsFixture> = {
  "ledger.send_invoice": {
    valid: { customerId: "cust_1", amount: 10 },
    invalid: { customerId: "cust_1", amount: -1 },
    invalidField: "amount",
  },
  "ledger.flag_account": {
    valid: { accountId: "acc_1" },
    invalid: { accountId: "" },
    invalidField: "accountId",
  },
  "ledger.archive_ledger": {
    valid: { ledgerId: "led_1", periodStart: "2026-01-01", periodEnd: "2026-01-31" },
    invalid: { ledgerId: "led_1", periodStart: "2026-01-01", periodEnd: "Jan 31" },
    invalidField: "periodEnd",
  },
  "ledger.lookup_balance": { valid: { accountId: "acc_1" }, invalid: {}, invalidField: "accountId" },
};
