/**
 * npm user configs holding a registry token. They live in an ignored or temporary folder with mode 0600,
 * are passed to npm through NPM_CONFIG_USERCONFIG (pnpm 10 ignores `${NPM_TOKEN}` in a project .npmrc),
 * and never enter a committed file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** `//host:port/path/` : the key npm files a registry's credentials under. */
export function nerfDart(registryUrl: string): string {
  const url = new URL(registryUrl);
  const path = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${path}`;
}

/**
 * Writes a user config: the caller's own user config (so proxies, CA settings and other registries keep
 * working) followed by the token for `registryUrl`.
 */
export function writeUserConfig(file: string, registryUrl: string, token: string): string {
  const current = process.env.NPM_CONFIG_USERCONFIG ?? process.env.npm_config_userconfig ?? join(homedir(), ".npmrc");
  const inherited = existsSync(current) && current !== file ? `${readFileSync(current, "utf8").trimEnd()}\n` : "";
  writeFileSync(file, `${inherited}${nerfDart(registryUrl)}:_authToken=${token}\n`, { mode: 0o600 });
  return file;
}

/** Replaces every occurrence of a secret before text is printed. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("***");
  return out;
}
