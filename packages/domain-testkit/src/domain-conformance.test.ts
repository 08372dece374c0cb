import { describeDomainConformance } from "./domain-conformance";
import {
  LEDGER_COST_SAVINGS_CENTS,
  LEDGER_INVOICE_HIGH_ABOVE,
  LEDGER_MINUTES_SAVED,
  LEDGER_RISK_MITIGATION_CENTS,
  ledgerDomain,
  ledgerFixtures,
} from "./ledger-domain";

describeDomainConformance({
  domain: ledgerDomain,
  fixtures: ledgerFixtures,
  types: {
    "ledger.send_invoice": ["Generate and send invoice", "efficiency", "medium", 1_500],
    "ledger.flag_account": ["Flag a suspicious account", "risk_mitigation", "low", 5_000],
    "ledger.archive_ledger": ["Archive a closed ledger", "cost_savings", "low", 900],
    "ledger.lookup_balance": ["Look up an account balance", null, "low", 0],
  },
  typo: { acount: "x" },
  guideExamples: [
    {
      type: "ledger.send_invoice",
      params: { customerId: "cust_123", amount: 99.99 },
      parsed: { customerId: "cust_123", amount: 99.99, currency: "USD" },
      risk: "medium",
      valueCents: 1_500,
    },
  ],
  escalations: [
    {
      type: "ledger.send_invoice",
      base: { customerId: "c" },
      field: "amount",
      limit: LEDGER_INVOICE_HIGH_ABOVE,
      atLimit: "medium",
      above: "high",
      step: 0.01,
    },
  ],
  dateOrders: [{ type: "ledger.archive_ledger", start: "periodStart", end: "periodEnd" }],
  defaults: [
    {
      type: "ledger.archive_ledger",
      params: { ledgerId: "l", periodStart: "2026-01-01", periodEnd: "2026-12-31" },
      parsed: { ledgerId: "l", periodStart: "2026-01-01", periodEnd: "2026-12-31", retentionYears: 7 },
    },
  ],
  estimators: {
    minutesSaved: LEDGER_MINUTES_SAVED,
    riskMitigationCents: LEDGER_RISK_MITIGATION_CENTS,
    costSavingsCents: LEDGER_COST_SAVINGS_CENTS,
  },
});
