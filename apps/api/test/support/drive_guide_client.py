"""Drive the guide's Python client (test/guide_client.py, verbatim) against a running server.

Prints one line `RESULTS <json>` with what each call returned, then runs the guide's own usage
block (`if __name__ == '__main__'`) with its hard-coded origin pointed at the server.
Environment: INTENDEDOPS_BASE_URL, INTENDEDOPS_API_KEY (agent scope), INTENDEDOPS_APPROVER_KEY.
"""
import json
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
# Importing the guide's module must not leave __pycache__ in the source tree.
sys.dont_write_bytecode = True

import requests  # noqa: E402  (a missing package must fail the test, not skip it)
from guide_client import IntendedOpsClient  # noqa: E402

base = os.environ["INTENDEDOPS_BASE_URL"]
agent = IntendedOpsClient(os.environ["INTENDEDOPS_API_KEY"], base_url=base)
approver = IntendedOpsClient(os.environ["INTENDEDOPS_APPROVER_KEY"], base_url=base)

results = {}
results["register_agent"] = agent.register_agent(
    "Python Billing Agent",
    description="Handles billing operations from Python",
    domains=["billing"],
    intent_types=["billing.send_invoice"],
)
first = agent.create_intent(
    intent_type="billing.send_invoice",
    domain="billing",
    agent_id="python-billing-agent",
    params={"customerId": "cust_py_1", "amount": 120.5},
    description="Python invoice one",
    idempotency_key="python-invoice-1",
)
second = agent.create_intent(
    intent_type="billing.send_invoice",
    domain="billing",
    agent_id="python-billing-agent",
    params={"customerId": "cust_py_2", "amount": 80},
    justification="Customer asked for a copy",
)
results["create_intent"] = [first, second]
results["create_intent_replay"] = agent.create_intent(
    intent_type="billing.send_invoice",
    domain="billing",
    agent_id="python-billing-agent",
    params={"customerId": "cust_py_1", "amount": 120.5},
    description="Python invoice one",
    idempotency_key="python-invoice-1",
)
approvals = approver.list_approvals()
results["list_approvals"] = approvals
by_intent = {a["intentId"]: a["id"] for a in approvals["items"]}
results["approve_intent"] = approver.approve_intent(by_intent[first["intentId"]])
results["reject_intent"] = approver.reject_intent(by_intent[second["intentId"]], reason="Amount exceeds approved limit")
results["query_audit"] = agent.query_audit(event_type="intent.approved")
results["verify_audit_chain"] = agent.verify_audit_chain()
results["get_agent_metrics"] = agent.get_agent_metrics("python-billing-agent")
results["list_intents"] = agent.list_intents(status="approved", agent_id="python-billing-agent")
results["get_intent"] = agent.get_intent(first["intentId"])
results["list_agents"] = agent.list_agents()
results["get_stats"] = agent.get_stats()
try:
    approver.approve_intent(by_intent[first["intentId"]])
    results["error"] = None
except Exception as error:  # the guide's client raises a plain Exception "CODE: message"
    results["error"] = str(error)
print("RESULTS " + json.dumps(results), flush=True)

# The guide's usage block submits for `billing-agent` (the guide's curl example registers it).
try:
    agent.register_agent("Billing Agent", domains=["billing"], intent_types=["billing.send_invoice"])
except Exception as error:
    if not str(error).startswith("CONFLICT"):
        raise

# The guide's usage block, unchanged, with its origin pointed at the server under test.
original_request = requests.Session.request


def redirected(self, method, url, *args, **kwargs):
    if url.startswith("https://api.intendedops.dev"):
        url = base + url[len("https://api.intendedops.dev"):]
    return original_request(self, method, url, *args, **kwargs)


requests.Session.request = redirected
runpy.run_path(os.path.join(os.path.dirname(HERE), "guide_client.py"), run_name="__main__")
