/** Option checks shared by the providers: a ConfigError that names the provider and the option. */
import { ConfigError } from "../errors.js";

export function requireOption(provider: string, option: string, value: string | undefined): string {
  if (typeof value === "string" && value.length > 0) return value;
  throw new ConfigError(`${provider}: option "${option}" is required (a non-empty string)`);
}

export function requireAbsoluteUrl(provider: string, option: string, value: string | undefined): string {
  const url = requireOption(provider, option, value);
  if (!URL.canParse(url)) throw new ConfigError(`${provider}: option "${option}" must be an absolute URL`);
  return url;
}
