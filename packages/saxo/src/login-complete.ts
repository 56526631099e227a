/**
 * Hand-written (not generated): the second half of Saxo's login (login.ts), imported by
 * `completeSaxoLogin`: checks the redirect (error, state, code) and exchanges the code for credentials.
 */
import { AuthError, exchangeAuthorizationCode } from "@brokerkit/middleware";
import type { SaxoLoginCallback, SaxoLoginCredentials, SaxoLoginOptions } from "./login.js";

/** Names the login in errors (as login-urls.ts does; not imported from there, which would bring the config). */
const LOGIN = "saxo login";

/** See `completeSaxoLogin`. */
export async function exchangeRedirect(
  options: SaxoLoginOptions,
  callback: SaxoLoginCallback,
  tokenUrl: string,
): Promise<SaxoLoginCredentials> {
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

function redirectParams(redirect: string | URL | URLSearchParams): URLSearchParams {
  if (redirect instanceof URLSearchParams) return redirect;
  if (redirect instanceof URL) return redirect.searchParams;
  const text = redirect.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return new URL(text).searchParams;
  return new URLSearchParams(text.startsWith("?") ? text.slice(1) : text);
}
