/**
 * Saxo's logon service (sim.logonvalidation.net) in small: `/authorize` hands out an authorization code
 * (with or without PKCE) by redirecting at once, as if the user had logged in; `/token` exchanges it, and
 * refresh tokens, for an access token. Refresh tokens rotate: each refresh returns a new one and the old
 * one stops working. Access tokens are JWTs that expire after `accessTokenTtlMs`.
 *
 * Error bodies follow RFC 6749 (`error`, `error_description`) and never contain a token.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { signJwt } from "../jwt.js";
import type { SimRequest } from "../server.js";
import type { SaxoCounters } from "./counters.js";
import type { ResolvedSaxoOptions } from "./options.js";
import { type Reply, saxoError } from "./reply.js";

export interface SaxoTokenResponse {
  access_token: string;
  token_type: "Bearer";
  /** Seconds; fractional when the simulator was given a sub-second lifetime. */
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  base_uri: null;
}

export interface SaxoSession {
  id: string;
  userId: string;
  /** How the session was opened: with PKCE or with the client secret. */
  pkce: boolean;
}

export type Authentication = { ok: true; session: SaxoSession } | { ok: false; reply: Reply };

interface IssuedCode {
  redirectUri: string;
  challenge?: string;
  method?: "S256" | "plain";
  expiresAt: number;
  used: boolean;
}

interface IssuedRefreshToken {
  sessionId: string;
  expiresAt: number;
  rotated: boolean;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export class OAuthServer {
  readonly sessions = new Map<string, SaxoSession>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, { sessionId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, IssuedRefreshToken>();
  private readonly signingSecret = randomBytes(32).toString("hex");

  constructor(
    private readonly options: ResolvedSaxoOptions,
    private readonly counters: SaxoCounters,
  ) {}

  /** GET /authorize: validates the request and redirects back with a code, as after a successful login. */
  authorize(url: URL): Reply {
    const query = url.searchParams;
    const redirectUri = query.get("redirect_uri") ?? "";
    if (query.get("client_id") !== this.options.appKey) {
      return oauthError(400, "invalid_client", "client_id is missing or not a registered AppKey");
    }
    if (redirectUri !== this.options.redirectUri) {
      return oauthError(400, "invalid_request", "redirect_uri does not match the app's registered redirect URL");
    }
    if (query.get("response_type") !== "code") {
      return oauthError(400, "unsupported_response_type", "response_type must be 'code'");
    }
    const challenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? (challenge ? "plain" : undefined);
    if (method !== undefined && method !== "S256" && method !== "plain") {
      return oauthError(400, "invalid_request", "code_challenge_method must be S256 or plain");
    }
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, {
      redirectUri,
      ...(challenge ? { challenge, method } : {}),
      expiresAt: Date.now() + this.options.authorizationCodeTtlMs,
      used: false,
    });
    const location = new URL(redirectUri);
    location.searchParams.set("code", code);
    const state = query.get("state");
    if (state !== null) location.searchParams.set("state", state);
    return { status: 302, headers: { location: location.toString() } };
  }

  /** POST /token with a form body: `authorization_code` or `refresh_token` grant. */
  token(req: SimRequest): Reply {
    this.counters.tokenRequests++;
    const reply = this.grant(req);
    if (reply.status !== 200) this.counters.rejectedTokenRequests++;
    return reply;
  }

  /** Opens a session directly, as if the whole code flow had run: for tests that are not about login. */
  issueTokens(): SaxoTokenResponse {
    return this.openSession(true);
  }

  /** Makes every access token issued so far expire now; refresh tokens keep working. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  /** Checks `Authorization: Bearer <token>` (Saxo also accepts `BEARER`). */
  authenticate(authorization: string | undefined): Authentication {
    const match = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
    if (!match) return unauthorized("Authorization header with a bearer token is required");
    return this.authenticateToken(match[1] as string);
  }

  authenticateToken(token: string): Authentication {
    const issued = this.accessTokens.get(token);
    if (!issued) return unauthorized("The access token is not valid");
    if (issued.expiresAt <= Date.now()) return unauthorized("The access token has expired");
    const session = this.sessions.get(issued.sessionId);
    if (!session) return unauthorized("The session of this access token no longer exists");
    return { ok: true, session };
  }

  private grant(req: SimRequest): Reply {
    const contentType = String(req.headers["content-type"] ?? "");
    if (req.method !== "POST") return oauthError(405, "invalid_request", "the token endpoint only accepts POST");
    if (!contentType.startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(req.body);
    const client = clientCredentials(req, form);
    if (client.id !== this.options.appKey) {
      return oauthError(401, "invalid_client", "client_id is missing or not a registered AppKey");
    }
    if (client.secret !== undefined && client.secret !== this.options.appSecret) {
      return oauthError(401, "invalid_client", "client_secret does not match the AppKey");
    }
    switch (form.get("grant_type")) {
      case "authorization_code":
        return this.codeGrant(form, client.secret !== undefined);
      case "refresh_token":
        return this.refreshGrant(form);
      default:
        return oauthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
    }
  }

  private codeGrant(form: URLSearchParams, hasSecret: boolean): Reply {
    const code = this.codes.get(form.get("code") ?? "");
    if (!code) return oauthError(400, "invalid_grant", "the authorization code is not valid");
    if (code.used) return oauthError(400, "invalid_grant", "the authorization code was already used");
    if (code.expiresAt <= Date.now()) return oauthError(400, "invalid_grant", "the authorization code has expired");
    if (form.get("redirect_uri") !== code.redirectUri) {
      return oauthError(400, "invalid_grant", "redirect_uri differs from the one sent to /authorize");
    }
    if (code.challenge) {
      const verifier = form.get("code_verifier") ?? "";
      if (!VERIFIER.test(verifier)) {
        return oauthError(400, "invalid_request", "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]");
      }
      const derived = code.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (derived !== code.challenge) {
        return oauthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
      }
    } else if (!hasSecret) {
      return oauthError(401, "invalid_client", "client_secret is required without PKCE");
    }
    code.used = true;
    this.counters.codeGrants++;
    return { status: 200, body: this.openSession(Boolean(code.challenge)), headers: noStore };
  }

  private refreshGrant(form: URLSearchParams): Reply {
    const presented = form.get("refresh_token") ?? "";
    const issued = this.refreshTokens.get(presented);
    if (!issued) return oauthError(400, "invalid_grant", "the refresh token is not valid");
    if (issued.rotated) {
      return oauthError(400, "invalid_grant", "the refresh token was already used; use the one returned with it");
    }
    if (issued.expiresAt <= Date.now()) return oauthError(400, "invalid_grant", "the refresh token has expired");
    issued.rotated = true;
    this.counters.refreshGrants++;
    return { status: 200, body: this.issue(issued.sessionId), headers: noStore };
  }

  private openSession(pkce: boolean): SaxoTokenResponse {
    const session: SaxoSession = { id: randomUUID(), userId: "16543210", pkce };
    this.sessions.set(session.id, session);
    return this.issue(session.id);
  }

  private issue(sessionId: string): SaxoTokenResponse {
    const now = Date.now();
    const { accessTokenTtlMs, refreshTokenTtlMs, appKey } = this.options;
    const accessToken = signJwt(
      {
        sub: "16543210",
        sid: sessionId,
        cid: appKey,
        iat: Math.floor(now / 1000),
        exp: Math.ceil((now + accessTokenTtlMs) / 1000),
      },
      this.signingSecret,
    );
    const refreshToken = randomUUID();
    this.accessTokens.set(accessToken, { sessionId, expiresAt: now + accessTokenTtlMs });
    this.refreshTokens.set(refreshToken, { sessionId, expiresAt: now + refreshTokenTtlMs, rotated: false });
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: accessTokenTtlMs / 1000,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshTokenTtlMs / 1000,
      base_uri: null,
    };
  }
}

const noStore = { "cache-control": "no-store" };

function clientCredentials(req: SimRequest, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  const id = form.get("client_id") ?? undefined;
  const secret = form.get("client_secret") ?? undefined;
  return { ...(id !== undefined ? { id } : {}), ...(secret !== undefined ? { secret } : {}) };
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description }, headers: noStore };
}

function unauthorized(message: string): Authentication {
  return {
    ok: false,
    reply: saxoError(401, "Unauthorized", message, undefined, { "www-authenticate": 'Bearer error="invalid_token"' }),
  };
}
