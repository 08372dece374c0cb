export { createExpiryJob, EXPIRY_JOB } from "./expire-approvals";
export {
  createJobRegistry,
  type JobObserver,
  type JobOutcome,
  type JobRegistry,
  type PeriodicJob,
} from "./job-registry";
export {
  createWebhookDeliveryJob,
  createWebhookMaintenanceJob,
  INBOUND_REPLAY_WINDOW_MS,
  registerWebhookJobs,
  WEBHOOK_DELIVERY_JOB,
  WEBHOOK_MAINTENANCE_JOB,
  WEBHOOK_POLL_MS,
} from "./webhook-jobs";
