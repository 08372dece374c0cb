import { z } from "zod";
import { defineDomain, defineIntentType } from "../catalog/intent-type";
import { efficiencyCents, revenueCents } from "./estimators";

/** A small domain for the runtime's own tests (core cannot depend on the domain packages). */
const sendInvoice = defineIntentType({
  name: "ledger.send_invoice",
  description: "Generate and send invoice",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      customerId: z.string().min(1),
      amount: z.number().positive(),
      currency: z.string().length(3).default("USD"),
    })
    .strict(),
  estimateValue: (_params, settings) => efficiencyCents(15, settings),
});

const lookupBalance = defineIntentType({
  name: "ledger.lookup_balance",
  description: "Look up an account balance",
  valueCategory: null,
  intentClass: "lookup",
  defaultRisk: "low",
  params: z.object({ accountId: z.string().min(1) }).strict(),
});

const collectPayment = defineIntentType({
  name: "ledger.collect_payment",
  description: "Process payment collection",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "high",
  params: z.object({ invoiceId: z.string().min(1), amount: z.number().positive() }).strict(),
  estimateValue: (params) => revenueCents(params.amount),
});

export const ledgerDomain = defineDomain({
  name: "ledger",
  description: "Test ledger domain",
  types: { send_invoice: sendInvoice, lookup_balance: lookupBalance, collect_payment: collectPayment },
});
