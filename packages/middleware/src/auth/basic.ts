/** HTTP Basic (Alpaca Broker API: key id as username, secret as password). */
import { utf8ToBase64 } from "../base64.js";
import { registerSecret } from "../redact.js";
import { requireOption } from "./options.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";

export interface BasicOptions {
  username: string;
  password: string;
  name?: string;
  identity?: string;
}

export function basic(options: BasicOptions): CredentialProvider {
  const name = options.name ?? "basic";
  const username = requireOption(name, "username", options.username);
  const password = requireOption(name, "password", options.password);
  const encoded = utf8ToBase64(`${username}:${password}`);
  registerSecret(password);
  registerSecret(encoded);
  const value = `Basic ${encoded}`;
  return {
    kind: "basic",
    name,
    identity: options.identity ?? credentialIdentity("basic", username),
    headerNames: ["authorization"],
    apply(headers) {
      headers.set("authorization", value);
    },
  };
}
