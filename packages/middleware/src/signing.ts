/**
 * Signs the operations flagged `signed` with the credential's `sign` (a `signature` scheme). It sits
 * below every layer that may change or repeat the request (idempotency, routes, retry, throttle, auth,
 * sticky, timeout), so each attempt is signed as it is sent, with a fresh timestamp.
 */
import type { CredentialProvider } from "./auth/provider.js";
import type { Layer } from "./types.js";

export function signing(provider: CredentialProvider): Layer {
  const sign = provider.sign;
  if (!sign) return (next) => next;
  return (next) => async (request, context) => {
    if (!context.operation?.flags?.signed) return next(request, context);
    return next(await sign.call(provider, request, context.signal ?? request.signal), context);
  };
}
