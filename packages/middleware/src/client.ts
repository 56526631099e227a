/**
 * The batteries-included client: every optional layer and every credential kind available, for
 * hand-written configs. Generated clients call `composeBrokerClient` with only what they use.
 */
import type { Client } from "openapi-fetch";
import {
  basicScheme,
  bearerScheme,
  oauth2Scheme,
  refreshExchangeScheme,
  signatureScheme,
  staticHeadersScheme,
} from "./auth/schemes.js";
import { createCache } from "./cache.js";
import {
  type BrokerClient,
  type BrokerClientOptions,
  type ClientFeatures,
  composeBrokerClient,
} from "./compose-client.js";
import type { ApiConfig } from "./config.js";
import { idempotency } from "./idempotency.js";
import { routes } from "./routes.js";
import { sticky } from "./sticky.js";

export const allFeatures: ClientFeatures = {
  auth: {
    "refresh-exchange": refreshExchangeScheme,
    oauth2: oauth2Scheme,
    "static-headers": staticHeadersScheme,
    basic: basicScheme,
    bearer: bearerScheme,
    signature: signatureScheme,
  },
  cache: createCache,
  idempotency,
  routes,
  sticky,
};

/**
 * A client from a hand-written config. Its type is openapi-fetch's Client with the runtime, without the
 * generated clients' `~throwOnError` marker: with the default `Paths` (`{}`) that marker makes some
 * assertion libraries' types (vitest's `expect`) too complex for TypeScript.
 */
export function createBrokerClient<Paths extends {}>(
  config: ApiConfig,
  options: BrokerClientOptions,
): Client<Paths> & Pick<BrokerClient<Paths>, "runtime"> {
  return composeBrokerClient<Paths>(config, options, allFeatures);
}
