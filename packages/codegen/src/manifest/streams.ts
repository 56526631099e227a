/**
 * What the JSON Schema cannot check in a manifest's `streams:` section: the names it refers to (server
 * keys holding ws:// URLs, auth schemes, protocols), factory and folder names that would collide, and
 * rules that depend on other fields. Channels are matched against the AsyncAPI document later.
 */
import { parseDuration } from "../duration.js";
import { CodegenError, fieldPath } from "../errors.js";
import type { SourceDocument } from "../source.js";
import { STREAM_PROTOCOLS } from "../stream/protocols.js";
import type { Manifest } from "./types.js";

export function checkStreamReferences(manifest: Manifest, source: SourceDocument): CodegenError[] {
  const errors: CodegenError[] = [];
  const fail = (segments: (string | number)[], detail: string) =>
    errors.push(
      new CodegenError({ file: source.displayPath, field: fieldPath(segments), ...source.locate(segments) }, detail),
    );
  const environments = Object.entries(manifest.environments);
  const authNames = Object.keys(manifest.auth ?? {});
  const apiFactories = new Map(Object.entries(manifest.apis).map(([name, api]) => [api.factory, name]));
  const streamFactories = new Map<string, string>();

  for (const [name, stream] of Object.entries(manifest.streams ?? {})) {
    const at = (...segments: (string | number)[]) => ["streams", name, ...segments];
    if (name in manifest.apis)
      fail(at(), `stream "${name}" has the name of an API: both would generate src/generated/${name}/`);
    const missingIn = environments.filter(([, env]) => !(stream.server in env.servers)).map(([env]) => env);
    if (missingIn.length)
      fail(at("server"), `server key "${stream.server}" is not defined in environment(s) ${missingIn.join(", ")}`);
    for (const [env, { servers }] of environments) {
      const url = servers[stream.server];
      if (url !== undefined && !/^wss?:\/\//.test(url))
        fail(
          at("server"),
          `server key "${stream.server}" is ${url} in environment ${env}: a stream needs a ws:// or wss:// URL`,
        );
    }
    if (!authNames.includes(stream.auth))
      fail(at("auth"), `unknown auth scheme "${stream.auth}" (defined: ${authNames.join(", ") || "none"})`);
    if (!(stream.protocol in STREAM_PROTOCOLS))
      fail(
        at("protocol"),
        `unknown protocol "${stream.protocol}" (adapters of @brokerkit/stream: ${Object.keys(STREAM_PROTOCOLS).join(", ")})`,
      );
    const other = apiFactories.has(stream.factory)
      ? `api "${apiFactories.get(stream.factory)}"`
      : streamFactories.has(stream.factory)
        ? `stream "${streamFactories.get(stream.factory)}"`
        : undefined;
    if (other) fail(at("factory"), `factory name "${stream.factory}" is already used by ${other}`);
    streamFactories.set(stream.factory, name);
    const { baseDelay, maxDelay } = stream.reconnect ?? {};
    if (baseDelay && maxDelay && parseDuration(baseDelay) > parseDuration(maxDelay))
      fail(at("reconnect", "baseDelay"), `${baseDelay} is longer than maxDelay ${maxDelay}`);
    for (const [channel, rule] of Object.entries(stream.channels)) {
      if (rule.buffer?.conflateKey && rule.buffer.policy !== "conflate")
        fail(
          at("channels", channel, "buffer", "conflateKey"),
          `conflateKey applies only to the conflate policy (this buffer is ${rule.buffer.policy})`,
        );
    }
  }
  // REST APIs keep http(s) servers: a ws:// base URL would fail on the first call instead of here.
  for (const [apiName, api] of Object.entries(manifest.apis)) {
    for (const [env, { servers }] of environments) {
      const url = servers[api.server];
      if (url !== undefined && !/^https?:\/\//.test(url))
        fail(
          ["apis", apiName, "server"],
          `server key "${api.server}" is ${url} in environment ${env}: an API needs an http:// or https:// URL`,
        );
    }
  }
  return errors;
}
