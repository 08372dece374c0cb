import { defineDomain } from "@intendedops/core";
import {
  approveAccess,
  assignRole,
  auditPermissions,
  completeAccessReview,
  createGroup,
  deprovisionUser,
  detectAnomaly,
  enableMfa,
  initiateAccessReview,
  provisionUser,
  requestAccess,
  resetCredentials,
  revokeRole,
  rotateCredentials,
  syncDirectory,
} from "./intent-types";

/** The identity domain: user provisioning, access reviews and SSO. */
export const identityDomain = defineDomain({
  name: "identity",
  description: "User provisioning, access reviews, SSO",
  types: {
    provision_user: provisionUser,
    deprovision_user: deprovisionUser,
    assign_role: assignRole,
    revoke_role: revokeRole,
    initiate_access_review: initiateAccessReview,
    complete_access_review: completeAccessReview,
    reset_credentials: resetCredentials,
    enable_mfa: enableMfa,
    create_group: createGroup,
    sync_directory: syncDirectory,
    audit_permissions: auditPermissions,
    request_access: requestAccess,
    approve_access: approveAccess,
    detect_anomaly: detectAnomaly,
    rotate_credentials: rotateCredentials,
  },
});
