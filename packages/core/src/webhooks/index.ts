export { signIntendedOps, verifyIntendedOps } from "./intendedops-signature";
export {
  buildSignatureHeader,
  generateWebhookSecret,
  type StandardWebhookMessage,
  type StandardWebhookVerification,
  signStandardWebhook,
  type VerifyStandardWebhookInput,
  verifyStandardWebhook,
  type WebhookHeadersInput,
} from "./standard-webhooks";
export { buildWebhookHeaders, type WebhookHeaders } from "./webhook-headers";
