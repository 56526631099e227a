/**
 * What a simulated Saxo handler answers: a status, a body and headers, sent (or dropped) by the simulator.
 * Handlers return replies instead of writing to the socket so the simulator can add common headers,
 * and so `dropNextResponse` can act on a request after it took effect.
 */
export interface Reply {
  status: number;
  /** JSON body; a string is sent as text/plain; undefined sends no body. */
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** Saxo's error body: `ErrorCode`, `Message` and, for invalid fields, `ModelState`. */
export function saxoError(
  status: number,
  errorCode: string,
  message: string,
  modelState?: Record<string, string[]>,
  headers?: Record<string, string | string[]>,
): Reply {
  return {
    status,
    body: { ErrorCode: errorCode, Message: message, ...(modelState ? { ModelState: modelState } : {}) },
    ...(headers ? { headers } : {}),
  };
}

/** 400 InvalidModelState naming each invalid field. */
export function invalidModel(modelState: Record<string, string[]>): Reply {
  const fields = Object.keys(modelState).join(", ");
  return saxoError(
    400,
    "InvalidModelState",
    `One or more properties of the request are invalid: ${fields}`,
    modelState,
  );
}

export function ok(body: unknown, headers?: Record<string, string | string[]>): Reply {
  return { status: 200, body, ...(headers ? { headers } : {}) };
}
