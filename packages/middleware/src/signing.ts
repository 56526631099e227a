/**
 * Signs the operations flagged `signed` with the credential's `sign` (a `signature` scheme). It sits
 * below every layer that may change or repeat the request (idempotency, routes, retry, throttle, auth,
 * sticky, timeout), so each attempt is signed as it is sent, with a fresh timestamp. `signingPreparation`
 * runs above the throttle: what signing needs first (the server's clock) is fetched before the call holds a
 * slot, so that fetch, throttled too, never waits behind the call that waits for it.
 */
import { toAbortSignal } from "./attempt-signal.js";
import type { CredentialProvider } from "./auth/provider.js";
import type { Layer } from "./types.js";

export function signing(provider: CredentialProvider): Layer {
  const sign = provider.sign;
  if (!sign) return (next) => next;
  return (next) => async (request, context) => {
    if (!context.operation?.flags?.signed) return next(request, context);
    // A credential may hand the signal to a Request or a fetch of its own: it gets a real one.
    return next(await sign.call(provider, request, toAbortSignal(context.signal ?? request.signal)), context);
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
