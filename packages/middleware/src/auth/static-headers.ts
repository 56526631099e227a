/**
 * Fixed credential headers (Alpaca `APCA-API-KEY-ID` / `APCA-API-SECRET-KEY`). The manifest maps
 * header → credential field; the caller supplies the fields.
 */
import { ConfigError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";

export interface StaticHeadersOptions {
  /** Header name → credential field name, e.g. `{ "APCA-API-KEY-ID": "keyId" }` (from the manifest). */
  headers: Record<string, string>;
  /** Field name → value, e.g. `{ keyId: "…", secretKey: "…" }`. */
  credentials: Record<string, string | undefined>;
  name?: string;
  identity?: string;
}

export function staticHeaders(options: StaticHeadersOptions): CredentialProvider {
  const name = options.name ?? "static-headers";
  const values: [header: string, value: string][] = [];
  for (const [header, field] of Object.entries(options.headers)) {
    const value = options.credentials[field];
    if (!value) throw new ConfigError(`${name}: credential "${field}" (sent as header ${header}) is required`);
    registerSecret(value);
    values.push([header, value]);
  }
  if (values.length === 0) throw new ConfigError(`${name}: option "headers" maps no header`);
  return {
    kind: "static-headers",
    name,
    // The first mapped header is the key id; hashing it gives one bucket per key.
    identity: options.identity ?? credentialIdentity("static-headers", values[0]![1]),
    headerNames: values.map(([header]) => header.toLowerCase()),
    apply(headers) {
      for (const [header, value] of values) headers.set(header, value);
    },
  };
}
