# The guide's Python client ("Code Examples" → "Full client implementation"), verbatim. Do not edit.
import os
import requests
from typing import Optional, Dict, Any, List
from dataclasses import dataclass
from datetime import datetime

@dataclass
class Intent:
    id: str
    type: str
    domain: str
    status: str
    params: Dict[str, Any]
    created_at: str

class IntendedOpsClient:
    def __init__(self, api_key: str, base_url: str = 'https://api.intendedops.dev'):
        self.api_key = api_key
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update({
            'x-api-key': api_key,
            'Content-Type': 'application/json',
        })

    def _request(self, method: str, path: str, **kwargs) -> Any:
        url = f'{self.base_url}{path}'
        response = self.session.request(method, url, **kwargs)
        result = response.json()
        if not response.ok:
            error = result.get('error', {})
            raise Exception(f"{error.get('code')}: {error.get('message')}")
        return result.get('data')

    # Stats
    def get_stats(self) -> Dict[str, Any]:
        return self._request('GET', '/v1/stats')

    # Intents
    def list_intents(
        self,
        page: int = 1,
        page_size: int = 20,
        status: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        params = {'page': page, 'pageSize': page_size}
        if status:
            params['status'] = status
        if agent_id:
            params['agentId'] = agent_id
        return self._request('GET', '/v1/intents', params=params)

    def create_intent(
        self,
        intent_type: str,
        domain: str,
        agent_id: str,
        params: Optional[Dict[str, Any]] = None,
        description: Optional[str] = None,
        justification: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        body = {
            'type': intent_type,
            'domain': domain,
            'agentId': agent_id,
        }
        if params:
            body['params'] = params
        if description:
            body['description'] = description
        if justification:
            body['justification'] = justification
        if idempotency_key:
            body['idempotencyKey'] = idempotency_key
        return self._request('POST', '/v1/intents', json=body)

    def get_intent(self, intent_id: str) -> Dict[str, Any]:
        return self._request('GET', f'/v1/intents/{intent_id}')

    # Agents
    def list_agents(self) -> Dict[str, Any]:
        return self._request('GET', '/v1/agents')

    def register_agent(
        self,
        name: str,
        description: Optional[str] = None,
        domains: Optional[List[str]] = None,
        intent_types: Optional[List[str]] = None,
    ) -> Dict[str, Any]:
        body = {'name': name}
        if description:
            body['description'] = description
        if domains:
            body['domains'] = domains
        if intent_types:
            body['intentTypes'] = intent_types
        return self._request('POST', '/v1/agents', json=body)

    def get_agent_metrics(self, agent_id: str) -> Dict[str, Any]:
        return self._request('GET', f'/v1/agents/{agent_id}/metrics')

    # Approvals
    def list_approvals(self) -> Dict[str, Any]:
        return self._request('GET', '/v1/approvals')

    def approve_intent(self, approval_id: str) -> Dict[str, Any]:
        return self._request('POST', f'/v1/approvals/{approval_id}/approve')

    def reject_intent(
        self,
        approval_id: str,
        reason: Optional[str] = None,
    ) -> Dict[str, Any]:
        body = {}
        if reason:
            body['reason'] = reason
        return self._request('POST', f'/v1/approvals/{approval_id}/reject', json=body)

    # Audit
    def query_audit(
        self,
        event_type: Optional[str] = None,
        from_date: Optional[str] = None,
        to_date: Optional[str] = None,
    ) -> Dict[str, Any]:
        params = {}
        if event_type:
            params['eventType'] = event_type
        if from_date:
            params['fromDate'] = from_date
        if to_date:
            params['toDate'] = to_date
        return self._request('GET', '/v1/audit', params=params)

    def verify_audit_chain(self) -> Dict[str, Any]:
        return self._request('GET', '/v1/audit/verify')

# Usage
if __name__ == '__main__':
    client = IntendedOpsClient(os.environ['INTENDEDOPS_API_KEY'])

    # Get stats
    stats = client.get_stats()
    print(f"Pending approvals: {stats['pendingApprovals']}")

    # Submit an intent
    result = client.create_intent(
        intent_type='billing.send_invoice',
        domain='billing',
        agent_id='billing-agent',
        params={'customerId': 'cust_123', 'amount': 99.99},
        description='Monthly subscription invoice',
        idempotency_key=f'invoice-{datetime.now().timestamp()}',
    )
    print(f"Created intent: {result['intentId']}")

    # Check for pending approvals
    approvals = client.list_approvals()
    for approval in approvals['items']:
        print(f"Pending approval: {approval['id']}")
