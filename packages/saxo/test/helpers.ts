/**
 * Shared set-up of the end-to-end tests: a Saxo simulator per test (stopped by the test), and a client
 * pointed at it with a session opened directly at the simulator.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { type SaxoSimulator, type SaxoSimulatorOptions, startSaxoSimulator } from "../../testing/src/saxo/index.js";
import { createSaxoClient, type SaxoClient, type SaxoClientOptions } from "../src/index.js";

export const ACCOUNT_KEY = "LZTc7DdejXODf-WSl2aCyQ==";
export const EURUSD = { Uic: 21, AssetType: "FxSpot" } as const;

/** A well-formed limit order the simulator accepts. */
export function limitOrder(price = 1.05) {
  return {
    AccountKey: ACCOUNT_KEY,
    ...EURUSD,
    BuySell: "Buy" as const,
    Amount: 100_000,
    OrderType: "Limit" as const,
    OrderPrice: price,
    OrderDuration: { DurationType: "GoodTillCancel" as const },
    ManualOrder: false,
  };
}

const running = new Set<SaxoSimulator>();

export async function simulator(options: SaxoSimulatorOptions = {}): Promise<SaxoSimulator> {
  const sim = await startSaxoSimulator(options);
  running.add(sim);
  return sim;
}

/** Stops every simulator the test started (call from afterEach). */
export async function stopSimulators(): Promise<void> {
  const all = [...running];
  running.clear();
  await Promise.all(all.map((sim) => sim.close()));
}

export interface TestClient {
  client: SaxoClient;
  events: MiddlewareEvent[];
  /** The tokens the session was opened with. */
  tokens: ReturnType<SaxoSimulator["issueTokens"]>;
}

/** A client on the simulator with a freshly opened session (access + refresh token), recording events. */
export function clientFor(sim: SaxoSimulator, options: Partial<SaxoClientOptions> = {}): TestClient {
  const tokens = sim.issueTokens();
  const events: MiddlewareEvent[] = [];
  const client = createSaxoClient({
    environment: "sim",
    servers: sim.servers,
    credentials: {
      clientId: sim.app.appKey,
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token,
      accessTokenExpiresAt: Date.now() + tokens.expires_in * 1000,
    },
    observer: (event) => events.push(event),
    ...options,
  });
  return { client, events, tokens };
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
