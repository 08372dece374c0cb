export { createVendorsAgent, type VendorsAgent, type VendorsHandlers } from "./agent";
export { type VendorsDomain, type VendorsTypeName, vendorsDomain } from "./domain";
export { vendorsFixtures } from "./fixtures";
export {
  type ApproveVendorParams,
  ASSESSMENT_TYPES,
  approveVendorType,
  CONTRACT_FOCUS_AREAS,
  DATA_ACCESS_LEVELS,
  DATA_DISPOSITIONS,
  type OnboardVendorParams,
  onboardVendorType,
  REVIEW_FREQUENCIES,
  type RenewContractParams,
  type RequestAssessmentParams,
  type RequestDocumentsParams,
  type ReviewContractParams,
  renewContractType,
  requestAssessmentType,
  requestDocumentsType,
  reviewContractType,
  type ScheduleReviewParams,
  scheduleReviewType,
  TERMINATION_REASONS,
  type TerminateVendorParams,
  type TrackPerformanceParams,
  terminateVendorType,
  trackPerformanceType,
  type UpdateRiskScoreParams,
  updateRiskScoreType,
  VENDOR_CATEGORIES,
  VENDOR_DOCUMENTS,
  VENDOR_KPIS,
  VENDOR_RISK_TIERS,
} from "./intent-types";
export { VENDORS_THRESHOLDS } from "./risk-thresholds";
export {
  VENDORS_COST_SAVINGS_CENTS,
  VENDORS_MINUTES_SAVED,
  VENDORS_RISK_MITIGATION_CENTS,
} from "./value-defaults";
