export { createExpiryJob, EXPIRY_JOB } from "./expire-approvals";
export { createJobRegistry, type JobObserver, type JobRegistry, type PeriodicJob } from "./job-registry";
