/**
 * Turns the authoring form of a manifest into the runtime config of one API (durations in ms,
 * defaults filled in, rules filtered to the API they apply to).
 */
import type { ApiConfig, AuthSchemeConfig, HttpMethod } from "@brokerkit/middleware";
import { parseDuration } from "../duration.js";
import type { Manifest, ManifestAuth } from "./types.js";

const STATE_CHANGING: HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE"];

export function brokerName(manifest: Manifest): string {
  return manifest.package.replace(/^@brokerkit\//, "");
}

export function normalizeApi(manifest: Manifest, apiName: string): Omit<ApiConfig, "operations"> {
  const api = manifest.apis[apiName];
  if (!api) throw new Error(`unknown api ${apiName}`);
  const appliesHere = (apis: string[] | undefined) => !apis || apis.includes(apiName);

  const config: Omit<ApiConfig, "operations"> = {
    broker: brokerName(manifest),
    api: apiName,
    environments: Object.fromEntries(
      Object.entries(manifest.environments).map(([name, env]) => [name, { servers: { ...env.servers } }]),
    ),
    server: api.server,
    auth: api.auth.map((name) => normalizeAuth(name, manifest.auth?.[name] as ManifestAuth)),
    rateLimits: (manifest.rateLimits ?? [])
      .filter((rule) => appliesHere(rule.apis))
      .map((rule) => ({
        name: rule.name,
        limit: rule.limit,
        intervalMs: parseDuration(rule.per),
        ...(rule.path ? { path: rule.path } : {}),
        ...(rule.methods ? { methods: rule.methods } : {}),
        ...(rule.unit ? { unit: rule.unit } : {}),
        ...(rule.scope ? { scope: rule.scope } : {}),
        ...(rule.headers ? { headers: { ...rule.headers } } : {}),
        ...(rule.banStatuses ? { banStatuses: rule.banStatuses } : {}),
      })),
    routes: (manifest.routes ?? [])
      .filter((rule) => appliesHere(rule.apis))
      .map((rule) => ({ from: rule.from, to: rule.to, ...(rule.methods ? { methods: rule.methods } : {}) })),
    retry: {
      attempts: manifest.retry?.attempts ?? 3,
      baseDelayMs: parseDuration(manifest.retry?.baseDelay ?? "200ms"),
      maxDelayMs: parseDuration(manifest.retry?.maxDelay ?? "5s"),
    },
    timeoutMs: parseDuration(api.timeout ?? "30s"),
  };
  if (manifest.sticky && appliesHere(manifest.sticky.apis)) {
    config.sticky = {
      service: manifest.sticky.service,
      probe: manifest.sticky.probe,
      lostStatuses: manifest.sticky.lostStatuses ?? [],
      ...(manifest.sticky.lostErrorCodes ? { lostErrorCodes: manifest.sticky.lostErrorCodes } : {}),
    };
  }
  if (manifest.idempotency) {
    const { header, bodyField, query, methods, paths, reuse } = manifest.idempotency;
    config.idempotency = {
      ...(header ? { header } : {}),
      ...(bodyField ? { bodyField } : {}),
      ...(query ? { query } : {}),
      methods: methods ?? STATE_CHANGING,
      ...(paths ? { paths } : {}),
      ...(reuse ? { reuse } : {}),
    };
  }
  if (manifest.cache)
    config.cache = { routes: manifest.cache.routes, sessionBoundaryUtc: manifest.cache.sessionBoundaryUtc };
  return config;
}

function normalizeAuth(name: string, auth: ManifestAuth): AuthSchemeConfig {
  switch (auth.kind) {
    case "refresh-exchange":
      return {
        name,
        kind: auth.kind,
        tokenUrl: auth.tokenUrl,
        tokenIn: auth.tokenIn ?? "query",
        accessTokenField: auth.accessTokenField ?? "AccessToken",
        defaultLifetimeMs: parseDuration(auth.defaultLifetime ?? "30m"),
        skewMs: parseDuration(auth.skew ?? "30s"),
        minIntervalMs: parseDuration(auth.minInterval ?? "1s"),
      };
    case "oauth2":
      return {
        name,
        kind: auth.kind,
        ...(auth.authorizeUrl ? { authorizeUrl: auth.authorizeUrl } : {}),
        tokenUrl: auth.tokenUrl,
        grant: auth.grant ?? "refresh_token",
        skewMs: parseDuration(auth.skew ?? "30s"),
        minIntervalMs: parseDuration(auth.minInterval ?? "1s"),
      };
    case "static-headers":
      return { name, kind: auth.kind, headers: { ...auth.headers } };
    case "signature":
      return {
        name,
        kind: auth.kind,
        algorithm: auth.algorithm ?? "HMAC-SHA256",
        payload: auth.payload,
        ...(auth.template === undefined ? {} : { template: auth.template }),
        encoding: auth.encoding ?? "hex",
        signature: { ...auth.signature },
        keyHeader: auth.keyHeader,
        timestamp: { ...auth.timestamp },
        ...(auth.receiveWindow
          ? { receiveWindow: { name: auth.receiveWindow.name, valueMs: parseDuration(auth.receiveWindow.value) } }
          : {}),
        ...(auth.serverTime
          ? {
              serverTime: {
                url: auth.serverTime.url,
                field: auth.serverTime.field,
                resyncMs: parseDuration(auth.serverTime.resync ?? "10m"),
              },
            }
          : {}),
      };
    default:
      return { name, kind: auth.kind };
  }
}
