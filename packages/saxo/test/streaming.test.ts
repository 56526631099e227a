/** The streaming hand-off end to end: same cookie jar as REST, the token, and re-authorisation on refresh. */
import { ConfigError } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { affinityCookieName, EDGE_COOKIE } from "../../testing/src/saxo/index.js";
import { webSocketHandshake } from "../../testing/src/websocket.js";
import { createStreamingConnection, type StreamingConnection } from "../src/index.js";
import { clientFor, eventually, simulator, stopSimulators } from "./helpers.js";

const connections: StreamingConnection[] = [];
/** Background re-authorisation failures: every test expects none. */
const failures: Error[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await stopSimulators();
  expect(failures.splice(0).map(String)).toEqual([]);
});

function cookieMap(header: string): Record<string, string> {
  return Object.fromEntries(header.split("; ").map((pair) => pair.split("=", 2) as [string, string]));
}

async function open(client: ReturnType<typeof clientFor>["client"], contextId?: string) {
  const connection = await createStreamingConnection(client, {
    ...(contextId ? { contextId } : {}),
    onError: (error) => failures.push(error),
  });
  connections.push(connection);
  return connection;
}

describe("createStreamingConnection", () => {
  it("hands over the connect URL, the token and the REST jar's cookies, which the simulator accepts", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    await client.GET("/port/v1/accounts/me"); // REST traffic first: the jar already holds port cookies

    const connection = await open(client, "ctx-42");

    expect(connection.contextId).toBe("ctx-42");
    expect(connection.url).toBe(`${sim.servers.streaming.replace(/^http/, "ws")}/ws/connect?contextId=ctx-42`);
    const jarCookie = await client.runtime.cookieHeaderFor(connection.url.replace(/^ws/, "http"));
    expect(connection.cookie).toBe(jarCookie);
    expect(Object.keys(cookieMap(connection.cookie)).sort()).toEqual([affinityCookieName("streaming"), EDGE_COOKIE]);
    expect(connection.headers).toEqual({ Authorization: connection.authorization, Cookie: connection.cookie });
    // One isalive for the streaming service: the hand-off reuses the sticky layer's probe.
    expect(sim.counters.probes.streaming).toBe(1);

    expect(await webSocketHandshake(connection.url, connection.headers)).toBe(101);
    const connect = sim.streamingArrivals.at(-1);
    expect(connect).toMatchObject({
      kind: "connect",
      transport: "websocket",
      contextId: "ctx-42",
      authorizationSource: "header",
      sticky: true,
      status: 200,
    });
    expect(connect?.cookies).toEqual(cookieMap(jarCookie));
    expect(`Bearer ${connect?.accessToken}`).toBe(connection.authorization);
    expect(sim.counters.wrongBackend).toBe(0);
  });

  it("offers the query form of the token for clients that cannot set headers", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const connection = await open(client);

    expect(connection.contextId).toMatch(/^[0-9a-f-]{36}$/);
    expect(connection.url).not.toContain("authorization");
    expect(connection.urlWithAuthorization).toContain("&authorization=BEARER%20");
    const status = await webSocketHandshake(connection.urlWithAuthorization, { Cookie: connection.cookie });
    expect(status).toBe(101);
    expect(sim.streamingArrivals.at(-1)).toMatchObject({ authorizationSource: "query", sticky: true, status: 200 });
  });

  it("re-authorises the connection after REST traffic refreshed the token, with the same cookies", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    let reauthorized = 0;
    const connection = await createStreamingConnection(client, {
      onReauthorized: () => reauthorized++,
      onError: (error) => failures.push(error),
    });
    connections.push(connection);
    expect(await webSocketHandshake(connection.url, connection.headers)).toBe(101);

    sim.expireAccessTokens();
    expect((await client.GET("/port/v1/users/me")).response.status).toBe(200); // 401 → refresh → replay

    await eventually(() => reauthorized === 1, "the re-authorisation");
    const authorize = sim.streamingArrivals.filter((a) => a.kind === "authorize");
    expect(authorize).toHaveLength(1);
    const current = new Headers();
    await client.runtime.credentials.apply(current);
    expect(authorize[0]).toMatchObject({ contextId: connection.contextId, sticky: true, status: 202 });
    expect(`Bearer ${authorize[0]?.accessToken}`).toBe(current.get("authorization"));
    expect(`Bearer ${authorize[0]?.accessToken}`).not.toBe(connection.authorization);
    // The jar's cookies of the moment: the port probe above renewed the shared edge cookie.
    const jarNow = await client.runtime.cookieHeaderFor(connection.url.replace(/^ws/, "http"));
    expect(authorize[0]?.cookies).toEqual(cookieMap(jarNow));
    const affinity = affinityCookieName("streaming");
    expect(authorize[0]?.cookies[affinity]).toBe(cookieMap(connection.cookie)[affinity]);
  });

  it("refreshes and re-authorises before expiry without REST traffic, and stops after close()", async () => {
    // The provider treats a token as stale 30 s before it expires: this one turns stale after about 1 s.
    const sim = await simulator({ accessTokenTtlMs: 31_000 });
    const { client } = clientFor(sim);
    const connection = await open(client);
    expect(await webSocketHandshake(connection.url, connection.headers)).toBe(101);
    const restCalls = () =>
      sim.arrivals.filter((a) => a.path.startsWith("/sim/openapi/") && !a.path.endsWith("/isalive"));
    expect(restCalls()).toHaveLength(0);

    const authorizations = () => sim.streamingArrivals.filter((a) => a.kind === "authorize");
    await eventually(() => authorizations().length >= 1, "a timer-driven re-authorisation");
    expect(sim.counters.refreshGrants).toBeGreaterThanOrEqual(1);
    expect(authorizations()[0]).toMatchObject({ status: 202, sticky: true });
    expect(`Bearer ${authorizations()[0]?.accessToken}`).not.toBe(connection.authorization);
    expect(restCalls()).toHaveLength(0);

    connection.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let a check already under way finish
    const afterClose = authorizations().length;
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // more than two check intervals
    expect(authorizations()).toHaveLength(afterClose);
  });

  it("re-authorises on demand, and rejects a malformed contextId", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const connection = await open(client);
    expect(await webSocketHandshake(connection.url, connection.headers)).toBe(101);
    await connection.reauthorize();
    expect(sim.streamingArrivals.at(-1)).toMatchObject({ kind: "authorize", status: 202 });

    await expect(createStreamingConnection(client, { contextId: "no spaces allowed" })).rejects.toThrow(ConfigError);
    await expect(createStreamingConnection(client, { contextId: "x".repeat(51) })).rejects.toThrow(
      /options\.contextId/,
    );
  });
});
