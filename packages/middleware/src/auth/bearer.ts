/** A static bearer token: no refresh, a 401 is returned to the caller as it is. */
import type { AuthKind } from "../config.js";
import { registerSecret } from "../redact.js";
import { requireOption } from "./options.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";

export interface BearerOptions {
  accessToken: string;
  name?: string;
  identity?: string | undefined;
}

export function bearer(options: BearerOptions, kind: AuthKind = "bearer"): CredentialProvider {
  const name = options.name ?? kind;
  const token = requireOption(name, "accessToken", options.accessToken);
  registerSecret(token);
  const value = `Bearer ${token}`;
  return {
    kind,
    name,
    identity: options.identity ?? credentialIdentity(kind, token),
    headerNames: ["authorization"],
    apply(headers) {
      headers.set("authorization", value);
    },
  };
}
