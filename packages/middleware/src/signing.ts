/**
 * Signs the operations flagged `signed` with the credential's `sign` (a `signature` scheme). It sits
 * below every layer that may change or repeat the request (idempotency, routes, retry, throttle, auth,
 * sticky, timeout), so each attempt is signed as it is sent, with a fresh timestamp. `signingPreparation`
 * runs above the throttle: what signing needs first (the server's clock) is fetched before the call holds a
 * slot, so that fetch, throttled too, never waits behind the call that waits for it.
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

export function signingPreparation(provider: CredentialProvider): Layer {
  const prepare = provider.prepare;
  if (!prepare) return (next) => next;
  return (next) => async (request, context) => {
    if (context.operation?.flags?.signed) await prepare.call(provider, context.signal ?? request.signal);
    return next(request, context);
  };
}
