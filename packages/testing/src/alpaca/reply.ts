/**
 * The Alpaca simulator's HTTP vocabulary: replies as values (so a reply can be computed, then dropped on
 * purpose), Alpaca's error body `{ code, message }`, and errors that carry their reply.
 */

export interface Reply {
  status: number;
  /** JSON body; undefined for an empty body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

/** Alpaca's numeric error codes start with the HTTP status, e.g. 40010001 for a 400/422 validation error. */
export const ErrorCode = {
  invalidRequest: 40010001,
  badBody: 40010000,
  unauthorized: 40110000,
  forbidden: 40310000,
  insufficientBuyingPower: 40310000,
  notFound: 40410000,
  methodNotAllowed: 40510000,
  conflict: 40910000,
  gone: 41010000,
  unprocessable: 42210000,
  rateLimited: 42910000,
} as const;

export const alpacaError = (status: number, code: number, message: string): Reply => ({
  status,
  body: { code, message },
});

/** Thrown by handlers; the simulator answers with its reply. */
export class SimHttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export const fail = (status: number, code: number, message: string): SimHttpError =>
  new SimHttpError(alpacaError(status, code, message));

/** A 422 naming the parameter or field at fault, as Alpaca's validation errors do. */
export const invalid = (message: string, status = 422): SimHttpError => fail(status, ErrorCode.invalidRequest, message);
