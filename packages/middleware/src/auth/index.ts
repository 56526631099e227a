export { type BasicOptions, basic } from "./basic.js";
export { type BearerOptions, bearer } from "./bearer.js";
export { jwtExpiresAt } from "./jwt.js";
export { type AuthLayerOptions, auth } from "./layer.js";
export { type OAuth2Options, oauth2 } from "./oauth2.js";
export type { OAuth2Client } from "./oauth2-grant.js";
export {
  type AuthorizationRequest,
  type AuthorizeUrlOptions,
  buildAuthorizeUrl,
  type CodeExchangeOptions,
  createAuthorizationRequest,
  createPkcePair,
  exchangeAuthorizationCode,
  type PkcePair,
  pkceChallenge,
} from "./oauth2-pkce.js";
export { type CredentialProvider, credentialIdentity } from "./provider.js";
export { type RefreshExchangeOptions, refreshExchange } from "./refresh-exchange.js";
export { type SignatureOptions, signature } from "./signature.js";
export { type StaticHeadersOptions, staticHeaders } from "./static-headers.js";
export { MemoryTokenStore, type TokenSet, type TokenStore } from "./token-cache.js";
