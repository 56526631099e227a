/**
 * The clients the overhead suite compares. Each makes the same kind of call: a GET answered by the
 * bench server's ~300-byte JSON document, whose body it reads and parses.
 */
import { Alpaca } from "@alpacahq/alpaca-trade-api/rest";
import type { AlorPaths } from "@brokerkit/alor";
import { type BrokerClient, createBrokerClient, defaultFetch, type FetchLike } from "@brokerkit/middleware";
import type { SaxoPaths } from "@brokerkit/saxo";
import { AlorApi } from "alor-api";
import createClient from "openapi-fetch";
import { Agent, fetch as undiciFetch, request as undiciRequest } from "undici";
import { alorBenchConfig, alorServers, cachedSaxoCredentials, saxoBenchConfig, saxoServers } from "../../configs.js";
import type { BenchServer } from "../../server/start.js";

export type Call = () => Promise<unknown>;

export interface OverheadClient {
  /** Row label. */
  name: string;
  /** Prepares the client (tokens, probes, connections) and returns one call. */
  start(server: BenchServer): Promise<Call>;
}

const SAXO_PATH = "/sim/openapi/port/v1/users/me";
const ALPACA_HOST = "https://paper-api.alpaca.markets";
/** The Alpaca SDK's rate limit, raised like brokerkit's so that neither makes a call wait. */
const UNREACHABLE = 1_000_000;

async function saxoStack(server: BenchServer, transport?: FetchLike): Promise<Call> {
  const client: BrokerClient<SaxoPaths> = createBrokerClient<SaxoPaths>(saxoBenchConfig, {
    environment: "sim",
    credentials: cachedSaxoCredentials(),
    servers: saxoServers(server.url),
    ...(transport ? { fetch: transport } : {}),
  });
  const call = async () => {
    const { data, error } = await client.GET("/port/v1/users/me");
    if (error !== undefined || data === undefined) throw new Error("brokerkit (Saxo): the call failed");
    return data;
  };
  // The first call probes the service (sticky cookies); every measured call then carries them.
  await call();
  return call;
}

export const OVERHEAD_CLIENTS: readonly OverheadClient[] = [
  {
    name: "raw fetch (baseline)",
    async start(server) {
      const url = server.url + SAXO_PATH;
      return async () => (await fetch(url)).json();
    },
  },
  {
    name: "openapi-fetch",
    async start(server) {
      const client = createClient<SaxoPaths>({ baseUrl: `${server.url}/sim/openapi` });
      return async () => (await client.GET("/port/v1/users/me")).data;
    },
  },
  {
    name: "brokerkit Saxo (full stack)",
    start: (server) => saxoStack(server),
  },
  {
    name: "brokerkit ALOR (full stack)",
    async start(server) {
      const client = createBrokerClient<AlorPaths>(alorBenchConfig, {
        environment: "production",
        credentials: { refreshToken: "bench-refresh-token" },
        servers: alorServers(server.url),
      });
      const call = async () => {
        const { data, error } = await client.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", {
          params: { path: { exchange: "MOEX", portfolio: "D12345" } },
        });
        if (error !== undefined || data === undefined) throw new Error("brokerkit (ALOR): the call failed");
        return data;
      };
      // The first call exchanges the refresh token; the JWT is then reused (it is valid for an hour).
      await call();
      return call;
    },
  },
  {
    name: "@alpacahq/alpaca-trade-api",
    async start(server) {
      // The SDK has no base-URL option: its fetchApi hook is the only way to reach a local server.
      const fetchApi = ((url: string, init?: RequestInit) =>
        fetch(url.replace(ALPACA_HOST, server.url), init)) as unknown as typeof fetch;
      const alpaca = new Alpaca({
        keyId: "bench-key",
        secret: "bench-secret",
        paper: true,
        fetchApi,
        rateLimit: { maxRequests: UNREACHABLE, intervalMs: 1000 },
      });
      return () => alpaca.trading.account.getAccount();
    },
  },
  {
    name: "alor-api",
    async start(server) {
      // Its endpoint options are typed as enums of ALOR's real hosts; any base URL works at runtime (axios baseURL).
      const options = { token: "bench-refresh-token", endpoint: server.url, authEndpoint: `${server.url}/oauth` };
      const api = new AlorApi(options as unknown as ConstructorParameters<typeof AlorApi>[0]);
      await api.refreshToken();
      return () => api.instruments.getSecurityByExchangeAndSymbol({ exchange: "MOEX", symbol: "SBER" } as never);
    },
  },
  {
    name: "undici.fetch",
    async start(server) {
      const url = server.url + SAXO_PATH;
      return async () => (await undiciFetch(url)).json();
    },
  },
  {
    name: "undici.request (no fetch semantics)",
    async start(server) {
      const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
      const url = server.url + SAXO_PATH;
      return async () => (await undiciRequest(url, { dispatcher })).body.json();
    },
  },
  {
    // The transport brokerkit clients use by default on Node (@brokerkit/middleware's `defaultFetch`).
    name: "openapi-fetch + undici transport",
    async start(server) {
      const client = createClient<SaxoPaths>({ baseUrl: `${server.url}/sim/openapi`, fetch: defaultFetch() });
      return async () => (await client.GET("/port/v1/users/me")).data;
    },
  },
  {
    // The ALOR stack's own call (two path parameters) over the same transport: its baseline, so that
    // openapi-fetch's path serialisation counts on both sides.
    name: "openapi-fetch + undici transport (ALOR call)",
    async start(server) {
      const client = createClient<AlorPaths>({ baseUrl: alorServers(server.url).api, fetch: defaultFetch() });
      return async () =>
        (
          await client.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", {
            params: { path: { exchange: "MOEX", portfolio: "D12345" } },
          })
        ).data;
    },
  },
  {
    name: "brokerkit Saxo over global fetch",
    start: (server) => saxoStack(server, globalThis.fetch as FetchLike),
  },
];
