import { describe, expectTypeOf, it } from "vitest";
import { type CompletedCall, createDomainAgent, type PendingCall } from "./domain-agent";
import type { GovernanceBackend } from "./governance-backend";
import { ledgerDomain } from "./test-fixtures";

// Checked by `tsc --noEmit`: the agent's methods are typed from the domain's schemas and handlers.
const governance = {} as GovernanceBackend;
const agent = createDomainAgent(ledgerDomain, {
  governance,
  agentId: "ledger-agent",
  handlers: {
    sendInvoice: async (params) => {
      expectTypeOf(params).toEqualTypeOf<{ customerId: string; amount: number; currency: string }>();
      return { invoiceId: "inv_1" };
    },
    lookupBalance: () => 42,
  },
});

describe("DomainAgent types", () => {
  it("types params from the schema input and results from the handler when methods are called", () => {
    expectTypeOf(agent.sendInvoice).parameter(0).toEqualTypeOf<{
      customerId: string;
      amount: number;
      currency?: string | undefined;
    }>();
    // Wrapped in functions: the calls are only type-checked, never run.
    expectTypeOf(() => agent.sendInvoice({ customerId: "c", amount: 1 }))
      .returns.resolves.toHaveProperty("result")
      .toEqualTypeOf<{
        invoiceId: string;
      }>();
    expectTypeOf(() => agent.lookupBalance({ accountId: "a" }))
      .returns.resolves.toHaveProperty("result")
      .toEqualTypeOf<number>();
  });

  it("adds the pending result only when waitForApproval is false", () => {
    const waits = () => agent.sendInvoice({ customerId: "c", amount: 1 });
    expectTypeOf(waits).returns.resolves.toEqualTypeOf<CompletedCall<{ invoiceId: string }>>();
    const maybe = () => agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: false });
    expectTypeOf(maybe).returns.resolves.toEqualTypeOf<CompletedCall<{ invoiceId: string }> | PendingCall>();
  });

  it("rejects unknown methods and wrong params at compile time", () => {
    const calls = () => {
      // @ts-expect-error no such method
      agent.sendInvoce({ customerId: "c", amount: 1 });
      // @ts-expect-error amount must be a number
      agent.sendInvoice({ customerId: "c", amount: "1" });
      // @ts-expect-error unknown field
      agent.lookupBalance({ accountId: "a", acountId: "b" });
    };
    expectTypeOf(calls).toBeFunction();
  });
});
