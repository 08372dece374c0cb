import { defineDomain } from "@intendedops/core";
import {
  approveVendorType,
  onboardVendorType,
  renewContractType,
  requestAssessmentType,
  requestDocumentsType,
  reviewContractType,
  scheduleReviewType,
  terminateVendorType,
  trackPerformanceType,
  updateRiskScoreType,
} from "./intent-types";

/** The vendors domain: vendor onboarding, assessment, contracts. */
export const vendorsDomain = defineDomain({
  name: "vendors",
  description: "Vendor onboarding, assessment, contracts",
  types: {
    onboard_vendor: onboardVendorType,
    request_assessment: requestAssessmentType,
    review_contract: reviewContractType,
    update_risk_score: updateRiskScoreType,
    schedule_review: scheduleReviewType,
    request_documents: requestDocumentsType,
    approve_vendor: approveVendorType,
    terminate_vendor: terminateVendorType,
    track_performance: trackPerformanceType,
    renew_contract: renewContractType,
  },
});

export type VendorsDomain = typeof vendorsDomain;
/** Every vendors intent type name, e.g. `vendors.onboard_vendor`. */
export type VendorsTypeName = `vendors.${keyof VendorsDomain["types"]}`;
