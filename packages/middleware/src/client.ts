/**
 * Assembles a typed openapi-fetch client for one API from its generated config: resolves the
 * environment, picks the credential provider, and composes the layers in their fixed order.
 */
import createClient, { type Client } from "openapi-fetch";
import { compose, fromFetch, toFetch } from "./compose.js";
import type { ApiConfig } from "./config.js";
import { MalformedResponseError } from "./errors.js";
import { createOperationTable, matchOperations } from "./operations.js";
import { operationServers, resolveServers } from "./servers.js";
import type { FetchLike, Layer, Observer } from "./types.js";

export interface BrokerClientOptions<
  Env extends string = string,
  ServerKey extends string = string,
  Credentials = unknown,
> {
  /** Which of the manifest's environments to talk to. */
  environment: Env;
  credentials: Credentials;
  /** Override base URLs by server key, e.g. `{ api: "http://127.0.0.1:4010" }` for a simulator. */
  servers?: Partial<Record<ServerKey, string>>;
  /** Transport; defaults to the global fetch. */
  fetch?: FetchLike;
  /** Receives middleware events (throttle waits, retries, token refreshes, probes, deprecations). */
  observer?: Observer;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface BrokerRuntime {
  readonly config: ApiConfig;
  readonly environment: string;
  /** Resolved base URLs by server key. */
  readonly servers: Readonly<Record<string, string>>;
  readonly baseUrl: string;
  /** The composed fetch that every call goes through. */
  readonly fetch: FetchLike;
}

export type BrokerClient<Paths extends {}> = Client<Paths> & { readonly runtime: BrokerRuntime };

const CLIENT_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

export function createBrokerClient<Paths extends {}>(
  config: ApiConfig,
  options: BrokerClientOptions,
): BrokerClient<Paths> {
  const servers = resolveServers(config, options.environment, options.servers as Record<string, string | undefined>);
  const baseUrl = servers[config.server] as string;
  const table = createOperationTable(config.operations, baseUrl);
  const layers: Layer[] = [matchOperations(table), operationServers(baseUrl, servers)];
  const handler = compose(fromFetch(options.fetch ?? globalThis.fetch), layers);
  const stackFetch = toFetch(handler);

  const client = createClient<Paths>({
    baseUrl,
    fetch: stackFetch,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  wrapMalformedResponses(client as unknown as Record<string, unknown>);
  const runtime: BrokerRuntime = { config, environment: options.environment, servers, baseUrl, fetch: stackFetch };
  return Object.assign(client, { runtime });
}

/** openapi-fetch throws a bare SyntaxError on an unparsable 2xx body; name the call instead. */
function wrapMalformedResponses(client: Record<string, unknown>): void {
  for (const method of CLIENT_METHODS) {
    const original = client[method] as (path: string, ...rest: unknown[]) => Promise<unknown>;
    client[method] = async (path: string, ...rest: unknown[]) => {
      try {
        return await original(path, ...rest);
      } catch (error) {
        if (error instanceof SyntaxError) {
          throw new MalformedResponseError(
            `${method} ${path}: the response body is not valid JSON (${error.message})`,
            {
              method,
              cause: error,
            },
          );
        }
        throw error;
      }
    };
  }
}
