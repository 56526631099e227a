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
 * middleware's. Nothing here logs or puts a secret into an error message.
 */
import {
  AuthError,
  ConfigError,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  expandUrl,
  type FetchLike,
  type OAuth2Credentials,
  resolveServers,
} from "@brokerkit/middleware";
import type { SaxoCredentials, SaxoEnvironment, SaxoServerKey } from "./generated/index.js";
import { saxoConfig } from "./generated/index.js";

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

const LOGIN = "saxo login";

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
  const params = redirectParams(callback.redirect);
  const error = params.get("error");
  if (error !== null) {
    const description = params.get("error_description");
    throw new AuthError(`${LOGIN}: Saxo's logon answered "${error}"${description ? ` (${description})` : ""}`);
  }
  if (params.get("state") !== callback.state) {
    throw new AuthError(
      `${LOGIN}: the redirect's "state" does not match the login's; it may not answer this login (CSRF?). Start a new login`,
    );
  }
  const code = params.get("code");
  if (!code) throw new AuthError(`${LOGIN}: the redirect carries no "code" parameter`);
  const tokens = await exchangeAuthorizationCode({
    name: LOGIN,
    tokenUrl,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    code,
    codeVerifier: callback.codeVerifier,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  if (tokens.refreshToken === undefined) {
    throw new AuthError(`${LOGIN}: the token response has no "refresh_token"; the session could not be kept alive`);
  }
  return {
    clientId: options.clientId,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    ...(tokens.expiresAt !== undefined ? { accessTokenExpiresAt: tokens.expiresAt } : {}),
    ...(tokens.refreshTokenExpiresAt !== undefined ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
    ...(options.onRefreshToken ? { onRefreshToken: options.onRefreshToken } : {}),
  };
}

/** The oauth scheme's /authorize and /token URLs on the chosen environment's logon server. */
function logonUrls(options: SaxoLoginOptions): { authorizeUrl: string; tokenUrl: string } {
  for (const field of ["clientId", "redirectUri"] as const) {
    if (typeof options[field] !== "string" || options[field] === "") {
      throw new ConfigError(`${LOGIN}: options.${field} is required`);
    }
  }
  const scheme = saxoConfig.auth.find((candidate) => candidate.kind === "oauth2");
  if (scheme?.kind !== "oauth2" || scheme.authorizeUrl === undefined) {
    throw new ConfigError(`${LOGIN}: specs/saxo/broker.yaml declares no oauth2 scheme with an authorizeUrl`);
  }
  const servers = resolveServers(saxoConfig, options.environment, options.servers);
  return { authorizeUrl: expandUrl(scheme.authorizeUrl, servers), tokenUrl: expandUrl(scheme.tokenUrl, servers) };
}

function redirectParams(redirect: string | URL | URLSearchParams): URLSearchParams {
  if (redirect instanceof URLSearchParams) return redirect;
  if (redirect instanceof URL) return redirect.searchParams;
  const text = redirect.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return new URL(text).searchParams;
  return new URLSearchParams(text.startsWith("?") ? text.slice(1) : text);
}
