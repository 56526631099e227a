/**
 * Test support: the ALOR simulator (stopped after each test) and the real generated client pointed at
 * it, with every middleware event recorded.
 */
import type { MiddlewareEvent, MiddlewareEventType } from "@brokerkit/middleware";
import { afterEach } from "vitest";
import { type AlorSimulator, type AlorSimulatorOptions, startAlorSimulator } from "../../testing/src/alor/index.js";
import { type AlorClient, type AlorClientOptions, createAlorClient } from "../src/index.js";

const running: AlorSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

export async function simulator(options?: AlorSimulatorOptions): Promise<AlorSimulator> {
  const sim = await startAlorSimulator(options);
  running.push(sim);
  return sim;
}

export interface TestClient {
  client: AlorClient;
  events: MiddlewareEvent[];
  count(type: MiddlewareEventType): number;
}

/** The generated client against the simulator (both servers), recording events. */
export function clientFor(sim: AlorSimulator, overrides: Partial<AlorClientOptions> = {}): TestClient {
  const events: MiddlewareEvent[] = [];
  const client = createAlorClient({
    environment: "test",
    credentials: { refreshToken: sim.refreshToken },
    servers: { api: sim.url, oauth: sim.url },
    observer: (event) => events.push(event),
    ...overrides,
  });
  return { client, events, count: (type) => events.filter((event) => event.type === type).length };
}

/** Arrivals of one path (excluding the token exchange), in order. */
export const arrivalsOf = (sim: AlorSimulator, path: string) => sim.arrivals.filter((arrival) => arrival.path === path);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const ORDERS = "/commandapi/warptrans/TRADE/v2/client/orders";
