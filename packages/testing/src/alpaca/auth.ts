/**
 * Who is calling. Trading and Market Data take the APCA-API-KEY-ID / APCA-API-SECRET-KEY header pair or an
 * OAuth `Bearer` token; the Broker API takes HTTP Basic with the partner's key and secret, or a bearer token
 * from the client-credentials grant at POST /v1/oauth2/token. Error bodies never echo a secret.
 */
import { randomBytes } from "node:crypto";
import type { SimRequest } from "../server.js";
import { ErrorCode, fail, type Reply } from "./reply.js";

export type ApiName = "trading" | "market-data" | "broker";

export interface Caller {
  /** Rate-limit bucket: the trading account id, the broker partner id, or `anonymous:<address>`. */
  bucket: string;
  via: "keys" | "oauth" | "basic" | "client-credentials" | "anonymous";
  /** Trading account of a key pair or OAuth token. */
  accountId?: string;
  /** Broker partner of Basic or client-credentials callers. */
  partnerId?: string;
}

export interface TradingKeyRecord {
  keyId: string;
  secretKey: string;
  accountId: string;
}

export interface BrokerCredentialRecord {
  key: string;
  secret: string;
  partnerId: string;
}

interface IssuedToken {
  partnerId: string;
  expiresAt: number;
}

export class AlpacaAuth {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly keys: readonly TradingKeyRecord[],
    /** OAuth access token → trading account id. */
    private readonly oauthTokens: ReadonlyMap<string, string>,
    private readonly brokerCredentials: readonly BrokerCredentialRecord[],
    private readonly tokenTtlSeconds: number,
    private readonly now: () => number,
  ) {}

  /** The caller of `req` on `api`; throws a 401/403 reply when the credentials do not check out. */
  authenticate(req: SimRequest, api: ApiName, allowAnonymous: boolean): Caller {
    return api === "broker" ? this.brokerCaller(req) : this.tradingCaller(req, allowAnonymous);
  }

  /** POST /v1/oauth2/token: client credentials (form fields or Basic) for a short-lived bearer token. */
  issueToken(req: SimRequest): Reply {
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "client_credentials") {
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" },
      };
    }
    const basic = parseBasic(req.headers.authorization);
    const clientId = form.get("client_id") ?? basic?.user;
    const clientSecret = form.get("client_secret") ?? basic?.password;
    const partner = this.brokerCredentials.find((c) => c.key === clientId && c.secret === clientSecret);
    if (!partner) {
      return { status: 401, body: { error: "invalid_client", error_description: "client authentication failed" } };
    }
    const accessToken = randomBytes(24).toString("base64url");
    this.tokens.set(accessToken, { partnerId: partner.partnerId, expiresAt: this.now() + this.tokenTtlSeconds * 1000 });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: "Bearer", expires_in: this.tokenTtlSeconds },
      headers: { "cache-control": "no-store" },
    };
  }

  /** The trading account of a stream's `auth` message (key pair), or undefined when it does not check out. */
  accountOfKeyPair(keyId: unknown, secretKey: unknown): string | undefined {
    return this.keys.find((k) => k.keyId === keyId && k.secretKey === secretKey)?.accountId;
  }

  /** The trading account of an OAuth access token, or undefined. */
  accountOfOAuthToken(token: unknown): string | undefined {
    return typeof token === "string" ? this.oauthTokens.get(token) : undefined;
  }

  /** Makes every issued client-credentials token expire now, so the next broker call gets a 401. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  private tradingCaller(req: SimRequest, allowAnonymous: boolean): Caller {
    const bearer = parseBearer(req.headers.authorization);
    if (bearer !== undefined) {
      const accountId = this.oauthTokens.get(bearer);
      if (!accountId) throw unauthorized("access token is not valid for this API");
      return { bucket: accountId, via: "oauth", accountId };
    }
    const keyId = header(req, "apca-api-key-id");
    if (keyId !== undefined) {
      const record = this.keys.find((k) => k.keyId === keyId);
      if (!record) throw unauthorized("request is not authorized");
      if (header(req, "apca-api-secret-key") !== record.secretKey) {
        throw fail(403, ErrorCode.forbidden, "forbidden: the secret key does not match the key id");
      }
      return { bucket: record.accountId, via: "keys", accountId: record.accountId };
    }
    if (allowAnonymous) {
      return { bucket: `anonymous:${req.raw.socket.remoteAddress ?? "unknown"}`, via: "anonymous" };
    }
    throw unauthorized("request is not authorized: send APCA-API-KEY-ID and APCA-API-SECRET-KEY, or a bearer token");
  }

  private brokerCaller(req: SimRequest): Caller {
    const authorization = req.headers.authorization;
    const basic = parseBasic(authorization);
    if (basic) {
      const partner = this.brokerCredentials.find((c) => c.key === basic.user);
      if (!partner || partner.secret !== basic.password) throw unauthorized("request is not authorized");
      return { bucket: partner.partnerId, via: "basic", partnerId: partner.partnerId };
    }
    const bearer = parseBearer(authorization);
    if (bearer !== undefined) {
      const token = this.tokens.get(bearer);
      if (!token) throw unauthorized("access token is not valid");
      if (token.expiresAt <= this.now()) throw unauthorized("access token expired");
      return { bucket: token.partnerId, via: "client-credentials", partnerId: token.partnerId };
    }
    throw unauthorized("request is not authorized: the Broker API needs HTTP Basic or a client-credentials token");
  }
}

const unauthorized = (message: string) => fail(401, ErrorCode.unauthorized, message);

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseBearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return match?.[1];
}

function parseBasic(authorization: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
