import { defineDomain } from "@intendedops/core";
import {
  approveAccessType,
  assignRoleType,
  auditPermissionsType,
  completeAccessReviewType,
  createGroupType,
  deprovisionUserType,
  detectAnomalyType,
  enableMfaType,
  initiateAccessReviewType,
  provisionUserType,
  requestAccessType,
  resetCredentialsType,
  revokeRoleType,
  rotateCredentialsType,
  syncDirectoryType,
} from "./intent-types";

/** The identity domain: user provisioning, access reviews, SSO. */
export const identityDomain = defineDomain({
  name: "identity",
  description: "User provisioning, access reviews, SSO",
  types: {
    provision_user: provisionUserType,
    deprovision_user: deprovisionUserType,
    assign_role: assignRoleType,
    revoke_role: revokeRoleType,
    initiate_access_review: initiateAccessReviewType,
    complete_access_review: completeAccessReviewType,
    reset_credentials: resetCredentialsType,
    enable_mfa: enableMfaType,
    create_group: createGroupType,
    sync_directory: syncDirectoryType,
    audit_permissions: auditPermissionsType,
    request_access: requestAccessType,
    approve_access: approveAccessType,
    detect_anomaly: detectAnomalyType,
    rotate_credentials: rotateCredentialsType,
  },
});

export type IdentityDomain = typeof identityDomain;
/** Every identity intent type name, e.g. `identity.deprovision_user`. */
export type IdentityTypeName = `identity.${keyof IdentityDomain["types"]}`;
