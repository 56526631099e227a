/**
 * Alpaca's stream error codes as typed errors, so callers can tell a refused credential from a
 * connection already in use or a plan that lacks the feed. The message names the code and Alpaca's
 * short text, never the key or secret (every error is a BrokerkitError, so its JSON is redacted too).
 */
import { type StreamErrorDetails, StreamRequestError } from "../errors.js";

type Details = StreamErrorDetails & { code?: number; body?: unknown };

/** Any error message Alpaca sent on a stream (`{"T":"error","code":…,"msg":…}` or an unauthorized reply). */
export class AlpacaStreamError extends StreamRequestError {}
/** 401 not authenticated, 402 auth failed, or the trading stream's `unauthorized`: the credential was refused. */
export class AlpacaStreamAuthError extends AlpacaStreamError {}
/** 406: the account already has as many connections to this endpoint as its plan allows (usually 1). */
export class AlpacaConnectionLimitError extends AlpacaStreamError {}
/** 405: the subscription would exceed the plan's symbol limit. */
export class AlpacaSymbolLimitError extends AlpacaStreamError {}
/** 409: the plan does not include this feed or channel. */
export class AlpacaInsufficientSubscriptionError extends AlpacaStreamError {}

/** Alpaca's documented stream error codes, and what each means. */
export const ALPACA_STREAM_ERRORS: Readonly<Record<number, string>> = {
  400: "invalid syntax",
  401: "not authenticated",
  402: "auth failed",
  403: "already authenticated",
  404: "auth timeout",
  405: "symbol limit exceeded",
  406: "connection limit exceeded",
  407: "slow client",
  409: "insufficient subscription",
  410: "invalid subscribe action for this feed",
  500: "internal error",
};

/** The typed error for Alpaca's `code`, with the stream label and what was being done. */
export function alpacaStreamError(
  stream: string,
  doing: string,
  code: number | undefined,
  text: string | undefined,
  body: unknown,
  channel?: string,
): AlpacaStreamError {
  const known = code === undefined ? undefined : ALPACA_STREAM_ERRORS[code];
  const message = `${stream}: ${doing} was refused (${code ?? "no code"}): ${text ?? known ?? "no reason given"}`;
  const details: Details = { stream, body, ...(code === undefined ? {} : { code }), ...(channel ? { channel } : {}) };
  switch (code) {
    case 401:
    case 402:
      return new AlpacaStreamAuthError(message, details);
    case 405:
      return new AlpacaSymbolLimitError(message, details);
    case 406:
      return new AlpacaConnectionLimitError(message, details);
    case 409:
      return new AlpacaInsufficientSubscriptionError(message, details);
    default:
      return new AlpacaStreamError(message, details);
  }
}
