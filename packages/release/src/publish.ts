/**
 * Publishing with npm, the registry's ordinary client: it asks the registry (never a local metadata
 * cache, unlike `pnpm publish -r`) which versions exist, and publishes the checked tarballs.
 */
import { spawnSync } from "node:child_process";
import { redact } from "./npmrc.js";

export interface RegistryTarget {
  url: string;
  /** npm user config holding the token (NPM_CONFIG_USERCONFIG); undefined uses the caller's own. */
  userconfig?: string;
  /** Secrets to keep out of printed output. */
  secrets: readonly string[];
}

function npm(args: string[], target: RegistryTarget) {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
  if (target.userconfig) env.NPM_CONFIG_USERCONFIG = target.userconfig;
  delete env.npm_config_userconfig;
  delete env.npm_config_registry;
  const result = spawnSync("npm", [...args, "--registry", target.url], { encoding: "utf8", env });
  const output = redact(`${result.stdout ?? ""}${result.stderr ?? ""}`, target.secrets)
    .split("\n")
    .filter((line) => !/^npm warn Unknown \w+ config/.test(line))
    .join("\n")
    .trim();
  return { status: result.status, stdout: result.stdout ?? "", output };
}

/** The user the registry knows the token as; throws with npm's explanation when not authenticated. */
export function whoami(target: RegistryTarget): string {
  const result = npm(["whoami"], target);
  if (result.status !== 0) {
    throw new Error(
      `not authenticated at ${target.url}: set BROKERKIT_REGISTRY_TOKEN, or log in to it in your user npmrc (npm login --registry ${target.url}).\n${result.output}`,
    );
  }
  return result.stdout.trim();
}

/** Versions of `name` the registry has (empty when it has never seen the package). */
export function publishedVersions(name: string, target: RegistryTarget): Set<string> {
  const result = npm(["view", name, "versions", "--json", "--prefer-online"], target);
  if (result.status !== 0) {
    if (/E404|404 Not Found|is not in this registry/.test(result.output)) return new Set();
    throw new Error(`cannot read ${name} from ${target.url}:\n${result.output}`);
  }
  const parsed = JSON.parse(result.stdout || "[]") as string | string[];
  return new Set(Array.isArray(parsed) ? parsed : [parsed]);
}

export function publishTarball(tarball: string, version: string, target: RegistryTarget): void {
  const tag = version.includes("-") ? "next" : "latest";
  const result = npm(["publish", tarball, "--tag", tag], target);
  if (result.status !== 0) throw new Error(`npm publish ${tarball} failed:\n${result.output}`);
}
