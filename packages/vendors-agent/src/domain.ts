import { defineDomain } from "@intendedops/core";
import {
  approveVendor,
  onboardVendor,
  renewContract,
  requestAssessment,
  requestDocuments,
  reviewContract,
  scheduleReview,
  terminateVendor,
  trackPerformance,
  updateRiskScore,
} from "./intent-types";

/** The vendors domain: vendor onboarding, assessment and contracts. */
export const vendorsDomain = defineDomain({
  name: "vendors",
  description: "Vendor onboarding, assessment, contracts",
  types: {
    onboard_vendor: onboardVendor,
    request_assessment: requestAssessment,
    review_contract: reviewContract,
    update_risk_score: updateRiskScore,
    schedule_review: scheduleReview,
    request_documents: requestDocuments,
    approve_vendor: approveVendor,
    terminate_vendor: terminateVendor,
    track_performance: trackPerformance,
    renew_contract: renewContract,
  },
});
