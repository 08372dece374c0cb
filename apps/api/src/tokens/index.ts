export {
  createIntentTokenService,
  type IntentTokenClaims,
  type IntentTokenService,
  type IntentTokenServiceOptions,
  TOKEN_ERRORS,
  type TokenError,
  type TokenVerification,
} from "./intent-token-service";
export type { KeySealer } from "./signing-keys";
