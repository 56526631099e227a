/**
 * Hand-written (not generated): Saxo's login with the authorization code flow and PKCE (S256).
 *
 *   const login = startSaxoLogin({ environment: "sim", clientId, redirectUri });
 *   // send the user's browser to login.url; Saxo redirects back to redirectUri?code=…&state=…
 *   const credentials = await login.complete(redirectedUrl);
 *   const client = createSaxoClient({ environment: "sim", credentials });
 *
 * The logon server and its /authorize and /token URLs come from the generated config (the manifest's
 * environments and oauth scheme); the PKCE pair, the authorize URL and the code exchange are the
 * middleware's. Nothing here logs or puts a secret into an error message. The second half (checking the
 * redirect, the code exchange) is in login-complete.ts, imported when a login completes: a program that
 * starts from stored credentials never loads it.
 */
import { createAuthorizationRequest, type FetchLike, type OAuth2Credentials } from "@brokerkit/middleware";
import type { SaxoCredentials, SaxoEnvironment, SaxoServerKey } from "./generated/index.js";
import { logonUrls } from "./login-urls.js";

export interface SaxoLoginOptions {
  environment: SaxoEnvironment;
  /** The app's AppKey (OAuth `client_id`). */
  clientId: string;
  /** The redirect URL registered for the app; Saxo only redirects to exactly this value. */
  redirectUri: string;
  /** Base-URL overrides by server key, e.g. `{ logon: simulator.servers.logon }`. */
  servers?: Partial<Record<SaxoServerKey, string>>;
  /** Transport for the code exchange. Default: the global fetch. */
  fetch?: FetchLike;
  /** Passed on in the credentials: called with every rotated refresh token, to persist it. */
  onRefreshToken?: OAuth2Credentials["onRefreshToken"];
  /** Deadline of the code exchange. Default 30 s. */
  timeoutMs?: number;
}

/** What `createSaxoClient` needs, as obtained by the login. */
export interface SaxoLoginCredentials extends SaxoCredentials {
  refreshToken: string;
  accessToken: string;
  /** Epoch ms at which the refresh token expires, when Saxo said so (persist it with the token). */
  refreshTokenExpiresAt?: number;
}

export interface SaxoLogin {
  /** Where to send the user's browser. */
  readonly url: string;
  /** The `state` sent with the request; the redirect must echo it. */
  readonly state: string;
  /** The PKCE verifier. Keep it (with `state`) if the redirect is handled by another process. */
  readonly codeVerifier: string;
  /** Exchanges the code of the redirect (the full redirect URL, or its query) for credentials. */
  complete(redirect: string | URL | URLSearchParams): Promise<SaxoLoginCredentials>;
}

/** Builds the authorize URL for the environment's logon server, with a fresh PKCE verifier and state. */
export function startSaxoLogin(options: SaxoLoginOptions): SaxoLogin {
  const { authorizeUrl } = logonUrls(options);
  const request = createAuthorizationRequest({
    authorizeUrl,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
  });
  return {
    url: request.url,
    state: request.state,
    codeVerifier: request.codeVerifier,
    complete: (redirect) =>
      completeSaxoLogin(options, { redirect, state: request.state, codeVerifier: request.codeVerifier }),
  };
}

export interface SaxoLoginCallback {
  /** The URL Saxo redirected the browser to, or its query string / parameters. */
  redirect: string | URL | URLSearchParams;
  /** The `state` of the login this redirect answers. */
  state: string;
  codeVerifier: string;
}

/** The second half of the login, usable on its own when the first half ran elsewhere. */
export async function completeSaxoLogin(
  options: SaxoLoginOptions,
  callback: SaxoLoginCallback,
): Promise<SaxoLoginCredentials> {
  const { tokenUrl } = logonUrls(options);
  const { exchangeRedirect } = await import("./login-complete.js");
  return exchangeRedirect(options, callback, tokenUrl);
}
