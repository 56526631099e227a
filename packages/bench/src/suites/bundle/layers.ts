/**
 * What each middleware layer costs in a bundle: its size on top of a core that every client carries
 * (openapi-fetch's createClient, the onion's compose/fromFetch/toFetch and the error classes). Each
 * row bundles the core plus that layer's export and subtracts the core alone, so shared helpers are
 * charged to every layer that pulls them in: what each layer costs an entry of its 16 kB gzip budget
 * (scripts/size-budget.mjs prints the same table in CI).
 */
import { bundle, type Size } from "./measure.js";

const MIDDLEWARE = "@brokerkit/middleware";
const CORE_SOURCE = `export { default as createClient } from "openapi-fetch";
export { compose, fromFetch, toFetch, HttpError, RateLimitError, AuthError, TimeoutError, NetworkError, AmbiguousOutcomeError } from "${MIDDLEWARE}";`;

interface LayerPart {
  name: string;
  /** Exports of @brokerkit/middleware that make up the part. */
  exports: string;
  /** Part of the layer set issue 3 asks for (the rest came with later features). */
  required: boolean;
}

const LAYER_PARTS: readonly LayerPart[] = [
  {
    name: "throttle (sliding-window scheduler, 429 and X-RateLimit-* feedback)",
    exports: "createThrottle",
    required: true,
  },
  { name: "auth layer (401 → one refresh, one replay)", exports: "auth", required: true },
  { name: "auth: refresh-exchange provider (ALOR)", exports: "refreshExchange", required: true },
  { name: "auth: oauth2 provider (Saxo, Alpaca OAuth)", exports: "oauth2", required: true },
  { name: "auth: static-headers provider (Alpaca keys)", exports: "staticHeaders", required: true },
  { name: "auth: basic provider", exports: "basic", required: true },
  { name: "auth: PKCE helpers", exports: "createAuthorizationRequest, exchangeAuthorizationCode", required: true },
  { name: "routes (v1 → v2 rewrites, deprecation reports)", exports: "routes", required: true },
  { name: "sticky (probes, cookie jar; tough-cookie itself lazy)", exports: "sticky", required: true },
  { name: "retry (backoff, Retry-After, ambiguous outcomes)", exports: "retry", required: true },
  { name: "timeout (per-attempt deadline)", exports: "timeout", required: true },
  { name: "redirects (credentials stay on their origin)", exports: "redirects", required: true },
  { name: "idempotency keys in bodies and headers", exports: "idempotency", required: false },
  { name: "reference-data cache with its file store", exports: "createCache", required: false },
  {
    name: "operation table and per-operation servers",
    exports: "createOperationTable, resolveServers",
    required: false,
  },
];

/**
 * The parts of issue 3's set that one broker's default stack composes: the least its entry can weigh with
 * these implementations, before its generated config and the parts later issues added.
 */
const BROKER_FLOORS: readonly { broker: string; exports: string }[] = [
  // ALOR and Alpaca Trading declare no route rules, so their stacks compose no routes layer.
  { broker: "ALOR", exports: "createThrottle, auth, refreshExchange, retry, timeout, redirects" },
  { broker: "Alpaca Trading", exports: "createThrottle, auth, staticHeaders, bearer, retry, timeout, redirects" },
  { broker: "Saxo", exports: "createThrottle, auth, oauth2, routes, sticky, retry, timeout, redirects" },
];

export interface LayerCost {
  name: string;
  required: boolean;
  /** Bytes added to the core, minified and gzip -9. */
  minBytes: number;
  gzipBytes: number;
}

export interface LayerBudget {
  core: Size;
  parts: LayerCost[];
  /** The core plus every part issue 3 requires, bundled together (shared helpers counted once). */
  required: Size;
  /** Per broker: the core plus the parts of issue 3's set its default stack composes, bundled together. */
  floors: { broker: string; size: Size }[];
}

export async function measureLayers(resolveDir: string, onPart: (name: string) => void): Promise<LayerBudget> {
  const core = await bundle(CORE_SOURCE, resolveDir, ["tough-cookie"]);
  const parts: LayerCost[] = [];
  for (const part of LAYER_PARTS) {
    onPart(part.name);
    const size = await bundle(withCore(part.exports), resolveDir, ["tough-cookie"]);
    parts.push({
      name: part.name,
      required: part.required,
      minBytes: size.minBytes - core.minBytes,
      gzipBytes: size.gzipBytes - core.gzipBytes,
    });
  }
  const requiredExports = LAYER_PARTS.filter((part) => part.required).map((part) => part.exports);
  const required = await bundle(withCore(requiredExports.join(", ")), resolveDir, ["tough-cookie"]);
  const floors = [];
  for (const { broker, exports } of BROKER_FLOORS) {
    onPart(`the parts ${broker}'s stack composes`);
    floors.push({ broker, size: await bundle(withCore(exports), resolveDir, ["tough-cookie"]) });
  }
  return { core, parts, required, floors };
}

function withCore(exports: string): string {
  return `${CORE_SOURCE}\nexport { ${exports} } from "${MIDDLEWARE}";`;
}
