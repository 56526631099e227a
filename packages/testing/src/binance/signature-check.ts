/**
 * Checks a signed Binance call as the exchange does: the key header names a known key; the signature is
 * the last query parameter and the hex HMAC-SHA256, keyed with that key's secret, of the query before it
 * followed by the body; the timestamp is no more than 1 s ahead of the server's clock and no older than the
 * receive window (default 5000 ms, at most 60 000).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SignedCallCheck {
  ok: boolean;
  /** Binance's error code and message when refused. */
  code?: number;
  msg?: string;
  status?: number;
  timestamp?: number;
}

export function checkSignedCall(
  rawQuery: string,
  body: string,
  apiKey: string | undefined,
  secrets: ReadonlyMap<string, string>,
  serverNow: number,
): SignedCallCheck {
  const secret = apiKey === undefined ? undefined : secrets.get(apiKey);
  if (secret === undefined) {
    return { ok: false, status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action." };
  }
  const at = rawQuery.lastIndexOf("signature=");
  if (at < 0 || (at > 0 && rawQuery[at - 1] !== "&") || rawQuery.indexOf("&", at) >= 0) {
    return {
      ok: false,
      status: 400,
      code: -1102,
      msg: "Mandatory parameter 'signature' was not sent, or is not last.",
    };
  }
  const given = rawQuery.slice(at + "signature=".length).toLowerCase();
  const signed = (at === 0 ? "" : rawQuery.slice(0, at - 1)) + body;
  const expected = createHmac("sha256", secret).update(signed).digest("hex");
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return { ok: false, status: 400, code: -1022, msg: "Signature for this request is not valid." };
  }
  const params = new URLSearchParams(signed);
  const timestamp = Number(params.get("timestamp"));
  if (!params.has("timestamp") || !Number.isFinite(timestamp)) {
    return { ok: false, status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent." };
  }
  const recvWindow = params.has("recvWindow") ? Number(params.get("recvWindow")) : 5000;
  if (!(recvWindow > 0 && recvWindow <= 60_000)) {
    return { ok: false, status: 400, code: -1131, msg: "recvWindow must be less than 60000", timestamp };
  }
  if (!(timestamp < serverNow + 1000 && serverNow - timestamp <= recvWindow)) {
    return {
      ok: false,
      status: 400,
      code: -1021,
      msg: "Timestamp for this request is outside of the recvWindow.",
      timestamp,
    };
  }
  return { ok: true, timestamp };
}
