export { type ContractsAgent, type ContractsHandlers, createContractsAgent } from "./agent";
export { type ContractsDomain, type ContractsTypeName, contractsDomain } from "./domain";
export { contractsFixtures } from "./fixtures";
export {
  AGREEMENT_TYPES,
  APPROVAL_FUNCTIONS,
  ARCHIVE_REASONS,
  type ArchiveContractParams,
  type AutoRenewParams,
  archiveContractType,
  autoRenewType,
  CONTRACT_TERMS,
  type CompareVersionsParams,
  type CreateAgreementParams,
  compareVersionsType,
  createAgreementType,
  type ExtractTermsParams,
  extractTermsType,
  type GenerateAmendmentParams,
  generateAmendmentType,
  type NotifyExpirationParams,
  notifyExpirationType,
  OBLIGATION_RECURRENCES,
  type RequestApprovalParams,
  requestApprovalType,
  type SendForSignatureParams,
  sendForSignatureType,
  type TrackObligationParams,
  trackObligationType,
} from "./intent-types";
export { CONTRACTS_THRESHOLDS } from "./risk-thresholds";
export { CONTRACTS_MINUTES_SAVED, CONTRACTS_RISK_MITIGATION_CENTS } from "./value-defaults";
