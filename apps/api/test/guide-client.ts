// The guide's TypeScript client ("Code Examples" → "Full client implementation"), verbatim: the only
// change is `export` on its declarations so the end-to-end test can drive the class. Do not edit.
// It is kept out of the typecheck (tsconfig.json) because, as written, it does not pass strict mode.
// biome-ignore-all format: verbatim copy of the guide
// biome-ignore-all lint: verbatim copy of the guide
export interface IntendedOpsConfig {
  apiKey: string;
  baseUrl?: string;
}
export interface Intent {
  id: string;
  type: string;
  domain: string;
  status: string;
  params: Record<string, unknown>;
  createdAt: string;
}
export interface CreateIntentRequest {
  type: string;
  domain: string;
  agentId: string;
  params?: Record<string, unknown>;
  description?: string;
  justification?: string;
  idempotencyKey?: string;
}
export class IntendedOpsClient {
  private apiKey: string;
  private baseUrl: string;
  constructor(config: IntendedOpsConfig) {
    this.apiKey = config.apiKey;
    this.baseUrl = config.baseUrl || 'https://api.intendedops.dev';
  }
  private async request<T>(
    method: string,
    path: string,
    body?: unknown
  ): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'x-api-key': this.apiKey,
        'Content-Type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const result = await response.json();
    if (!response.ok) {
      throw new Error(result.error?.message || 'API error');
    }
    return result.data;
  }
  // Stats
  async getStats() {
    return this.request<{
      intentsToday: number;
      pendingApprovals: number;
      activeAgents: number;
      valueGenerated: number;
    }>('GET', '/v1/stats');
  }
  // Intents
  async listIntents(options?: {
    page?: number;
    pageSize?: number;
    status?: string;
    agentId?: string;
  }) {
    const params = new URLSearchParams();
    if (options?.page) params.set('page', String(options.page));
    if (options?.pageSize) params.set('pageSize', String(options.pageSize));
    if (options?.status) params.set('status', options.status);
    if (options?.agentId) params.set('agentId', options.agentId);
    const query = params.toString();
    return this.request<{ items: Intent[]; total: number }>(
      'GET',
      `/v1/intents${query ? `?${query}` : ''}`
    );
  }
  async createIntent(intent: CreateIntentRequest) {
    return this.request<{ intentId: string; status: string }>(
      'POST',
      '/v1/intents',
      intent
    );
  }
  async getIntent(intentId: string) {
    return this.request<Intent>('GET', `/v1/intents/${intentId}`);
  }
  // Agents
  async listAgents() {
    return this.request<{ items: unknown[] }>('GET', '/v1/agents');
  }
  async registerAgent(agent: {
    name: string;
    description?: string;
    domains?: string[];
    intentTypes?: string[];
  }) {
    return this.request<unknown>('POST', '/v1/agents', agent);
  }
  async getAgentMetrics(agentId: string) {
    return this.request<unknown>('GET', `/v1/agents/${agentId}/metrics`);
  }
  // Approvals
  async listApprovals() {
    return this.request<{ items: unknown[] }>('GET', '/v1/approvals');
  }
  async approveIntent(approvalId: string) {
    return this.request<unknown>(
      'POST',
      `/v1/approvals/${approvalId}/approve`
    );
  }
  async rejectIntent(approvalId: string, reason?: string) {
    return this.request<unknown>(
      'POST',
      `/v1/approvals/${approvalId}/reject`,
      { reason }
    );
  }
  // Audit
  async queryAudit(options?: {
    eventType?: string;
    fromDate?: string;
    toDate?: string;
  }) {
    const params = new URLSearchParams();
    if (options?.eventType) params.set('eventType', options.eventType);
    if (options?.fromDate) params.set('fromDate', options.fromDate);
    if (options?.toDate) params.set('toDate', options.toDate);
    const query = params.toString();
    return this.request<{ items: unknown[] }>(
      'GET',
      `/v1/audit${query ? `?${query}` : ''}`
    );
  }
  async verifyAuditChain() {
    return this.request<{ valid: boolean; eventCount: number }>(
      'GET',
      '/v1/audit/verify'
    );
  }
}
// Usage
const intendedops = new IntendedOpsClient({ apiKey: process.env.INTENDEDOPS_API_KEY! });
async function main() {
  // Get stats
  const stats = await intendedops.getStats();
  console.log(`Pending approvals: ${stats.pendingApprovals}`);
  // Submit an intent
  const result = await intendedops.createIntent({
    type: 'billing.send_invoice',
    domain: 'billing',
    agentId: 'billing-agent',
    params: { customerId: 'cust_123', amount: 99.99 },
    description: 'Monthly subscription invoice',
    idempotencyKey: `invoice-${Date.now()}`,
  });
  console.log(`Created intent: ${result.intentId}`);
  // Check for pending approvals
  const approvals = await intendedops.listApprovals();
  for (const approval of approvals.items) {
    console.log(`Pending approval: ${approval.id}`);
  }
}
main().catch(console.error);
