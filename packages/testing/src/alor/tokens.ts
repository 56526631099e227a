/**
 * ALOR's token model: a long-lived refresh token is exchanged at POST /refresh for a short-lived JWT whose
 * `exp` says when it stops working. The JWT carries the login (`sub`) and the user's portfolios
 * (`portfolios`, space-separated), as ALOR's do.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { signJwt, verifyJwt } from "../jwt.js";
import type { AlorSimUser } from "./accounts.js";

export type TokenCheck =
  | { ok: true; user: AlorSimUser; portfolios: string[] }
  | { ok: false; reason: "missing" | "malformed" | "invalid" | "expired" | "revoked" };

export class TokenIssuer {
  private readonly secret = randomBytes(32).toString("hex");
  private readonly byRefreshToken = new Map<string, AlorSimUser>();
  private readonly revoked = new Set<string>();
  private readonly issued = new Set<string>();

  constructor(
    users: readonly AlorSimUser[],
    private readonly lifetimeMs: number,
    private readonly byLogin: (login: string) => AlorSimUser | undefined,
  ) {
    for (const user of users) this.byRefreshToken.set(user.refreshToken, user);
  }

  /**
   * A JWT for the refresh token's user, or undefined when the refresh token is unknown.
   * `exp` is NumericDate seconds, fractional when the lifetime is not whole seconds (RFC 7519 allows it),
   * so short test lifetimes stay exact.
   */
  exchange(refreshToken: string, allowedPortfolios?: readonly string[]): string | undefined {
    const user = this.byRefreshToken.get(refreshToken);
    if (!user) return undefined;
    const now = Date.now();
    const portfolios = allowedPortfolios
      ? user.portfolios.filter((p) => allowedPortfolios.includes(p))
      : user.portfolios;
    const jti = randomUUID();
    this.issued.add(jti);
    return signJwt(
      {
        jti,
        sub: user.login,
        portfolios: portfolios.join(" "),
        iat: Math.floor(now / 1000),
        exp: (now + this.lifetimeMs) / 1000,
        iss: "Alor.Identity (simulator)",
      },
      this.secret,
    );
  }

  check(authorization: string | undefined): TokenCheck {
    if (!authorization) return { ok: false, reason: "missing" };
    const match = /^Bearer (.+)$/i.exec(authorization.trim());
    if (!match) return { ok: false, reason: "malformed" };
    const claims = verifyJwt(match[1] as string, this.secret);
    const user = typeof claims?.sub === "string" ? this.byLogin(claims.sub) : undefined;
    if (!claims || !user || typeof claims.exp !== "number" || typeof claims.jti !== "string") {
      return { ok: false, reason: "invalid" };
    }
    if (this.revoked.has(claims.jti)) return { ok: false, reason: "revoked" };
    if (Date.now() >= claims.exp * 1000) return { ok: false, reason: "expired" };
    const portfolios = typeof claims.portfolios === "string" ? claims.portfolios.split(" ").filter(Boolean) : [];
    return { ok: true, user, portfolios };
  }

  /** Makes every JWT issued so far answer 401, as after a server-side logout. */
  revokeAll(): void {
    for (const jti of this.issued) this.revoked.add(jti);
    this.issued.clear();
  }
}
