/** What callers pass as `credentials`, one shape per auth kind. */
export interface RefreshExchangeCredentials {
  /** Long-lived refresh token; exchanged for short-lived JWTs, never sent to the API itself. */
  refreshToken: string;
}

export interface OAuth2Credentials {
  clientId: string;
  clientSecret?: string;
  /** Current refresh token. Saxo rotates it on every refresh: persist the new one via `onRefreshToken`. */
  refreshToken?: string;
  /** A current access token, if you have one (it is used until it expires). */
  accessToken?: string;
  /** Epoch milliseconds at which `accessToken` expires. */
  accessTokenExpiresAt?: number;
  /** Called with every new refresh token, so a restarted process can continue the session. */
  onRefreshToken?: (refreshToken: string, expiresAt: number | undefined) => void | Promise<void>;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface BearerCredentials {
  accessToken: string;
}
