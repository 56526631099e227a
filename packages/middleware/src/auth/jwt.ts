/** Reads a JWT's `exp` without verifying it: the client only needs to know when to refresh. */
import { base64ToUtf8 } from "../base64.js";

/** Epoch milliseconds of the token's `exp` claim, or undefined when absent or not a JWT. */
export function jwtExpiresAt(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json: unknown = JSON.parse(base64ToUtf8(payload));
    const exp = (json as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
