import { defineDomain } from "@intendedops/core";
import {
  archiveContract,
  autoRenew,
  compareVersions,
  createAgreement,
  extractTerms,
  generateAmendment,
  notifyExpiration,
  requestApproval,
  sendForSignature,
  trackObligation,
} from "./intent-types";

/** The contracts domain: contract lifecycle, signatures and renewals. */
export const contractsDomain = defineDomain({
  name: "contracts",
  description: "Contract lifecycle, signatures, renewals",
  types: {
    create_agreement: createAgreement,
    send_for_signature: sendForSignature,
    generate_amendment: generateAmendment,
    notify_expiration: notifyExpiration,
    archive_contract: archiveContract,
    request_approval: requestApproval,
    track_obligation: trackObligation,
    extract_terms: extractTerms,
    compare_versions: compareVersions,
    auto_renew: autoRenew,
  },
});
