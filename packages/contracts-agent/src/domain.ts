import { defineDomain } from "@intendedops/core";
import {
  archiveContractType,
  autoRenewType,
  compareVersionsType,
  createAgreementType,
  extractTermsType,
  generateAmendmentType,
  notifyExpirationType,
  requestApprovalType,
  sendForSignatureType,
  trackObligationType,
} from "./intent-types";

/** The contracts domain: contract lifecycle, signatures, renewals. */
export const contractsDomain = defineDomain({
  name: "contracts",
  description: "Contract lifecycle, signatures, renewals",
  types: {
    create_agreement: createAgreementType,
    send_for_signature: sendForSignatureType,
    generate_amendment: generateAmendmentType,
    notify_expiration: notifyExpirationType,
    archive_contract: archiveContractType,
    request_approval: requestApprovalType,
    track_obligation: trackObligationType,
    extract_terms: extractTermsType,
    compare_versions: compareVersionsType,
    auto_renew: autoRenewType,
  },
});

export type ContractsDomain = typeof contractsDomain;
/** Every contracts intent type name, e.g. `contracts.send_for_signature`. */
export type ContractsTypeName = `contracts.${keyof ContractsDomain["types"]}`;
