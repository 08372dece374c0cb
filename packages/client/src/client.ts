import type { JSONWebKeySet } from "jose";
import { createTransport, type RequestOptions, type Transport } from "./http-transport";
import { newIdempotencyKey } from "./idempotency-key";
import { DEFAULT_RETRY, type RetryConfig } from "./retry-policy";
import type {
  Agent,
  AgentMetrics,
  AmbientCluster,
  ApiKey,
  ApprovalDecisionResult,
  ApprovalItem,
  AuditAnchor,
  AuditEvent,
  AuditVerification,
  CompleteIntentInput,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateIntentInput,
  CreateIntentResult,
  CreateWebhookInput,
  FailIntentInput,
  Health,
  Intent,
  Intention,
  IntentionInput,
  IntentionPatch,
  ListAmbientClustersOptions,
  ListApprovalsOptions,
  ListIntentsOptions,
  ListResult,
  PageOptions,
  Policy,
  PolicyInput,
  QueryAuditOptions,
  RegisterAgentInput,
  SetAgentTrustInput,
  SimulateIntentInput,
  SimulationResult,
  Stats,
  TokenVerification,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookWithSecret,
} from "./types";

export const DEFAULT_BASE_URL = "https://api.intendedops.dev";
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface IntendedOpsClientOptions {
  /** `intendedops_<tenantId>_<secret>`, sent as `x-api-key`. */
  apiKey: string;
  /** Default `https://api.intendedops.dev`; e.g. `http://127.0.0.1:3000` for a local server. */
  baseUrl?: string;
  /** Sent as `x-tenant-id`; the server refuses it unless it is the key's tenant. */
  tenantId?: string;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Default `{ maxRetries: 3, baseDelayMs: 250, maxDelayMs: 30_000 }`. */
  retry?: Partial<RetryConfig>;
  /** Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Sent with every request (e.g. a `user-agent`). */
  headers?: Record<string, string>;
}

const id = (value: string): string => encodeURIComponent(value);

/** An array, or the `items` of a page, so list endpoints read the same either way. */
function itemsOf<T>(data: T[] | ListResult<T>): T[] {
  return Array.isArray(data) ? data : data.items;
}

/**
 * Typed client for the IntendedOps API: every endpoint but the inbound ones (`/v1/inbound`) and
 * `/openapi.json`; each method resolves to the response's `data`. Retries 429 and (for idempotent
 * calls) 5xx and lost responses.
 *
 * @example
 * const client = new IntendedOpsClient({ apiKey: process.env.INTENDEDOPS_API_KEY! });
 * const { intentId, status } = await client.createIntent({ type: "billing.send_invoice", domain: "billing", agentId: "billing-agent", params: { customerId: "cust_123", amount: 99.99 } });
 */
export class IntendedOpsClient {
  readonly baseUrl: string;
  readonly #request: Transport;

  constructor(options: IntendedOpsClientOptions) {
    if (typeof options?.apiKey !== "string" || options.apiKey === "") {
      throw new TypeError("IntendedOpsClient: apiKey is required");
    }
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#request = createTransport({
      apiKey: options.apiKey,
      baseUrl: this.baseUrl,
      tenantId: options.tenantId,
      fetch: fetchImpl,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      headers: options.headers ?? {},
      now: Date.now,
      random: Math.random,
    });
  }

  /** `GET /health` (no auth needed); an unhealthy server resolves with `status: "unhealthy"`. */
  getHealth(options?: RequestOptions): Promise<Health> {
    return this.#request({ method: "GET", path: "/health", resultStatuses: [503], retry: false, options });
  }

  /** `GET /metrics`: the Prometheus text exposition. */
  getMetrics(options?: RequestOptions): Promise<string> {
    return this.#request({ method: "GET", path: "/metrics", read: "text", options });
  }

  /** `GET /v1/stats`. */
  getStats(options?: RequestOptions): Promise<Stats> {
    return this.#request({ method: "GET", path: "/v1/stats", options });
  }

  /** `GET /v1/intents`, filtered and paginated. */
  listIntents(query?: ListIntentsOptions, options?: RequestOptions): Promise<ListResult<Intent>> {
    return this.#request({ method: "GET", path: "/v1/intents", query: { ...query }, options });
  }

  /**
   * `POST /v1/intents`. Every retry sends the same `idempotencyKey` (the caller's, or a UUID v4
   * drawn once per call), so a retried submission never creates a second intent.
   */
  createIntent(intent: CreateIntentInput, options?: RequestOptions): Promise<CreateIntentResult> {
    const body = { ...intent, idempotencyKey: intent.idempotencyKey ?? newIdempotencyKey() };
    return this.#request({
      method: "POST",
      path: "/v1/intents",
      body,
      idempotent: true,
      map: (data, response) => ({
        ...(data as CreateIntentResult),
        replayed: response.headers.get("idempotent-replayed") === "true",
      }),
      options,
    });
  }

  /** `GET /v1/intents/:id`, with its decision, approval and history. */
  getIntent(intentId: string, options?: RequestOptions): Promise<Intent> {
    return this.#request({ method: "GET", path: `/v1/intents/${id(intentId)}`, options });
  }

  /** `POST /v1/intents/:id/complete`: the agent did the work (moves trust, records value). */
  completeIntent(
    intentId: string,
    input: CompleteIntentInput = {},
    options?: RequestOptions,
  ): Promise<Intent> {
    return this.#request({
      method: "POST",
      path: `/v1/intents/${id(intentId)}/complete`,
      body: input,
      options,
    });
  }

  /** `POST /v1/intents/:id/fail`: the work failed (moves trust). */
  failIntent(intentId: string, input: FailIntentInput, options?: RequestOptions): Promise<Intent> {
    return this.#request({ method: "POST", path: `/v1/intents/${id(intentId)}/fail`, body: input, options });
  }

  /** `GET /v1/agents`. */
  listAgents(query?: PageOptions, options?: RequestOptions): Promise<ListResult<Agent>> {
    return this.#request({ method: "GET", path: "/v1/agents", query: { ...query }, options });
  }

  /** `POST /v1/agents`; the id defaults to the slug of the name ("Billing Agent" → `billing-agent`). */
  registerAgent(agent: RegisterAgentInput, options?: RequestOptions): Promise<Agent> {
    return this.#request({ method: "POST", path: "/v1/agents", body: agent, options });
  }

  /** `GET /v1/agents/:id`. */
  getAgent(agentId: string, options?: RequestOptions): Promise<Agent> {
    return this.#request({ method: "GET", path: `/v1/agents/${id(agentId)}`, options });
  }

  /** `GET /v1/agents/:id/metrics`. */
  getAgentMetrics(agentId: string, options?: RequestOptions): Promise<AgentMetrics> {
    return this.#request({ method: "GET", path: `/v1/agents/${id(agentId)}/metrics`, options });
  }

  /** `PUT /v1/agents/:id/trust`: an admin override of tier and/or score, with a reason. */
  setAgentTrust(agentId: string, input: SetAgentTrustInput, options?: RequestOptions): Promise<Agent> {
    return this.#request({ method: "PUT", path: `/v1/agents/${id(agentId)}/trust`, body: input, options });
  }

  /** `GET /v1/approvals` (pending unless `status` says otherwise). */
  listApprovals(query?: ListApprovalsOptions, options?: RequestOptions): Promise<ListResult<ApprovalItem>> {
    return this.#request({ method: "GET", path: "/v1/approvals", query: { ...query }, options });
  }

  /** `GET /v1/approvals/:id`. */
  getApproval(approvalId: string, options?: RequestOptions): Promise<ApprovalItem> {
    return this.#request({ method: "GET", path: `/v1/approvals/${id(approvalId)}`, options });
  }

  /** `POST /v1/approvals/:id/approve`. */
  approveIntent(approvalId: string, options?: RequestOptions): Promise<ApprovalDecisionResult> {
    return this.#request({ method: "POST", path: `/v1/approvals/${id(approvalId)}/approve`, options });
  }

  /** `POST /v1/approvals/:id/reject`, with an optional reason. */
  rejectIntent(
    approvalId: string,
    reason?: string,
    options?: RequestOptions,
  ): Promise<ApprovalDecisionResult> {
    const path = `/v1/approvals/${id(approvalId)}/reject`;
    return this.#request({ method: "POST", path, body: reason === undefined ? {} : { reason }, options });
  }

  /** `GET /v1/audit`, filtered and paginated. */
  queryAudit(query?: QueryAuditOptions, options?: RequestOptions): Promise<ListResult<AuditEvent>> {
    return this.#request({ method: "GET", path: "/v1/audit", query: { ...query }, options });
  }

  /**
   * `GET /v1/audit/verify`: the server recomputes the tenant's whole hash chain. With `anchor` (an
   * earlier answer's `eventCount` and `headHash`, kept outside the server), the chain must still
   * hold that hash at that seq: a chain cut short or rewritten with its head moved to match fails.
   */
  verifyAuditChain(options?: RequestOptions & { anchor?: AuditAnchor }): Promise<AuditVerification> {
    const { anchor, ...rest } = options ?? {};
    const query = anchor ? { anchorSeq: anchor.seq, anchorHash: anchor.hash } : {};
    return this.#request({ method: "GET", path: "/v1/audit/verify", query, options: rest });
  }

  /** `GET /v1/policies`. */
  listPolicies(query?: PageOptions, options?: RequestOptions): Promise<ListResult<Policy>> {
    return this.#request({ method: "GET", path: "/v1/policies", query: { ...query }, options });
  }

  /** `GET /v1/policies/:id`. */
  getPolicy(policyId: string, options?: RequestOptions): Promise<Policy> {
    return this.#request({ method: "GET", path: `/v1/policies/${id(policyId)}`, options });
  }

  /** `POST /v1/policies`. */
  createPolicy(policy: PolicyInput, options?: RequestOptions): Promise<Policy> {
    return this.#request({ method: "POST", path: "/v1/policies", body: policy, options });
  }

  /** `PUT /v1/policies/:id`: replaces the policy; its version goes up by one. */
  updatePolicy(policyId: string, policy: PolicyInput, options?: RequestOptions): Promise<Policy> {
    return this.#request({ method: "PUT", path: `/v1/policies/${id(policyId)}`, body: policy, options });
  }

  /** `DELETE /v1/policies/:id`. */
  async deletePolicy(policyId: string, options?: RequestOptions): Promise<void> {
    await this.#request({ method: "DELETE", path: `/v1/policies/${id(policyId)}`, read: "none", options });
  }

  /** `POST /v1/policies/simulate`: the decision and its explain trace; nothing is stored. */
  simulatePolicy(intent: SimulateIntentInput, options?: RequestOptions): Promise<SimulationResult> {
    // Nothing is written, so repeating it is harmless.
    return this.#request({
      method: "POST",
      path: "/v1/policies/simulate",
      body: intent,
      idempotent: true,
      options,
    });
  }

  /** `GET /v1/api-keys` (never the secrets). */
  listApiKeys(query?: PageOptions, options?: RequestOptions): Promise<ListResult<ApiKey>> {
    return this.#request({ method: "GET", path: "/v1/api-keys", query: { ...query }, options });
  }

  /** `POST /v1/api-keys`: the returned `key` is shown this once. */
  createApiKey(input: CreateApiKeyInput, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.#request({ method: "POST", path: "/v1/api-keys", body: input, options });
  }

  /** `DELETE /v1/api-keys/:id`: the key stops working immediately. */
  async revokeApiKey(keyId: string, options?: RequestOptions): Promise<void> {
    await this.#request({ method: "DELETE", path: `/v1/api-keys/${id(keyId)}`, read: "none", options });
  }

  /** `GET /v1/webhooks`. */
  listWebhooks(query?: PageOptions, options?: RequestOptions): Promise<ListResult<Webhook>> {
    return this.#request({ method: "GET", path: "/v1/webhooks", query: { ...query }, options });
  }

  /** `POST /v1/webhooks`: the returned `secret` is shown this once. */
  createWebhook(input: CreateWebhookInput, options?: RequestOptions): Promise<WebhookWithSecret> {
    return this.#request({ method: "POST", path: "/v1/webhooks", body: input, options });
  }

  /** `GET /v1/webhooks/:id`. */
  getWebhook(webhookId: string, options?: RequestOptions): Promise<Webhook> {
    return this.#request({ method: "GET", path: `/v1/webhooks/${id(webhookId)}`, options });
  }

  /** `PATCH /v1/webhooks/:id`: changes only the fields given. */
  updateWebhook(webhookId: string, input: UpdateWebhookInput, options?: RequestOptions): Promise<Webhook> {
    return this.#request({ method: "PATCH", path: `/v1/webhooks/${id(webhookId)}`, body: input, options });
  }

  /** `DELETE /v1/webhooks/:id`. */
  async deleteWebhook(webhookId: string, options?: RequestOptions): Promise<void> {
    await this.#request({ method: "DELETE", path: `/v1/webhooks/${id(webhookId)}`, read: "none", options });
  }

  /** `POST /v1/webhooks/:id/rotate-secret`: the new secret signs from now on, the old one alongside for a while. */
  rotateWebhookSecret(webhookId: string, options?: RequestOptions): Promise<WebhookWithSecret> {
    return this.#request({ method: "POST", path: `/v1/webhooks/${id(webhookId)}/rotate-secret`, options });
  }

  /** `GET /v1/webhooks/:id/deliveries`. */
  listWebhookDeliveries(
    webhookId: string,
    query?: PageOptions,
    options?: RequestOptions,
  ): Promise<ListResult<WebhookDelivery>> {
    const path = `/v1/webhooks/${id(webhookId)}/deliveries`;
    return this.#request({ method: "GET", path, query: { ...query }, options });
  }

  /** `POST /v1/webhooks/deliveries/:id/redeliver`: sends the same payload (same id) again. */
  redeliverWebhook(deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    const path = `/v1/webhooks/deliveries/${id(deliveryId)}/redeliver`;
    return this.#request({ method: "POST", path, options });
  }

  /** `POST /v1/webhooks/:id/test`: sends a test event to the endpoint. */
  testWebhook(webhookId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this.#request({ method: "POST", path: `/v1/webhooks/${id(webhookId)}/test`, options });
  }

  /** `GET /v1/intentions`. */
  async listIntentions(options?: RequestOptions): Promise<Intention[]> {
    const data = await this.#request<Intention[] | ListResult<Intention>>({
      method: "GET",
      path: "/v1/intentions",
      options,
    });
    return itemsOf(data);
  }

  /** `GET /v1/intentions/:id`. */
  getIntention(intentionId: string, options?: RequestOptions): Promise<Intention> {
    return this.#request({ method: "GET", path: `/v1/intentions/${id(intentionId)}`, options });
  }

  /** `POST /v1/intentions`: created as a draft. */
  createIntention(input: IntentionInput, options?: RequestOptions): Promise<Intention> {
    return this.#request({ method: "POST", path: "/v1/intentions", body: input, options });
  }

  /** `PATCH /v1/intentions/:id`: changes only the fields given, while the intention is a draft. */
  updateIntention(intentionId: string, input: IntentionPatch, options?: RequestOptions): Promise<Intention> {
    return this.#request({
      method: "PATCH",
      path: `/v1/intentions/${id(intentionId)}`,
      body: input,
      options,
    });
  }

  /** `POST /v1/intentions/:id/publish`: draft → active; it decides the next matching intent. */
  publishIntention(intentionId: string, options?: RequestOptions): Promise<Intention> {
    return this.#request({ method: "POST", path: `/v1/intentions/${id(intentionId)}/publish`, options });
  }

  /** `POST /v1/intentions/:id/archive`: it stops matching traffic. */
  archiveIntention(intentionId: string, options?: RequestOptions): Promise<Intention> {
    return this.#request({ method: "POST", path: `/v1/intentions/${id(intentionId)}/archive`, options });
  }

  /** `GET /v1/intentions/ambient`: traffic no intention matched, grouped. */
  async listAmbientClusters(
    query?: ListAmbientClustersOptions,
    options?: RequestOptions,
  ): Promise<AmbientCluster[]> {
    const data = await this.#request<AmbientCluster[] | ListResult<AmbientCluster>>({
      method: "GET",
      path: "/v1/intentions/ambient",
      query: { ...query },
      options,
    });
    return itemsOf(data);
  }

  /** `POST /v1/intentions/ambient/:clusterId/generalize`: a draft intention covering the cluster. */
  generalizeAmbientCluster(clusterId: string, options?: RequestOptions): Promise<Intention> {
    const path = `/v1/intentions/ambient/${id(clusterId)}/generalize`;
    return this.#request({ method: "POST", path, options });
  }

  /** `POST /v1/tokens/verify`: the server checks an intent token (see `verifyIntentToken` to do it locally). */
  verifyToken(token: string, options?: RequestOptions): Promise<TokenVerification> {
    // Verification writes nothing, so a retry is harmless.
    return this.#request({
      method: "POST",
      path: "/v1/tokens/verify",
      body: { token },
      idempotent: true,
      options,
    });
  }

  /** `GET /.well-known/jwks.json`: the public keys that sign intent tokens. */
  getJwks(options?: RequestOptions): Promise<JSONWebKeySet> {
    return this.#request({ method: "GET", path: "/.well-known/jwks.json", read: "json", options });
  }
}
