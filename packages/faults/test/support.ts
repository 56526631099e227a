/**
 * A "rig" per broker: its simulator, the fault proxy in front of it, fresh credentials for each client,
 * every secret involved, and what the simulator and the attacker server recorded.
 */
import { type Fault, type FaultProxy, type FaultProxyOptions, startFaultProxy } from "@brokerkit/testing";
import { type AlorSimulatorOptions, DEFAULT_ALOR_USER, startAlorSimulator } from "@brokerkit/testing/alor/index";
import { type AlpacaSimulatorOptions, startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { DEFAULT_ACCOUNT } from "@brokerkit/testing/saxo/fixtures";
import { startSaxoSimulator } from "@brokerkit/testing/saxo/index";
import type { BrokerAccess, BrokerName } from "../src/clients.js";
import { findLeaks, indexSecrets } from "../src/secrets.js";

export interface Rig {
  broker: BrokerName;
  proxy: FaultProxy;
  /** Credentials for one more client (Saxo: a new session each time). */
  access(): BrokerAccess;
  /** Every secret handed to a client or issued by a server so far. */
  secrets(): string[];
  /** Orders at the simulator per marker (ALOR comment, Alpaca client_order_id, Saxo ExternalReference). */
  ordersByMarker(): Map<string, number>;
  close(): Promise<void>;
}

export interface RigOptions {
  proxy?: Partial<Omit<FaultProxyOptions, "upstream">>;
  alor?: AlorSimulatorOptions;
  alpaca?: AlpacaSimulatorOptions;
}

export async function startRig(broker: BrokerName, options: RigOptions = {}): Promise<Rig> {
  switch (broker) {
    case "alor":
      return alorRig(options);
    case "alpaca":
      return alpacaRig(options);
    case "saxo":
      return saxoRig(options);
  }
}

async function alorRig(options: RigOptions): Promise<Rig> {
  const sim = await startAlorSimulator(options.alor);
  const proxy = await startFaultProxy({ ...options.proxy, upstream: sim.url });
  const portfolio = DEFAULT_ALOR_USER.portfolios[0] as string;
  return {
    broker: "alor",
    proxy,
    access: () => ({ broker: "alor", url: proxy.url, refreshToken: sim.refreshToken, portfolio }),
    secrets: () => [sim.refreshToken, ...proxy.tokens],
    ordersByMarker: () => countBy(sim.orders.map((order) => (order as { comment?: string | null }).comment)),
    close: async () => {
      await proxy.close();
      await sim.close();
    },
  };
}

async function alpacaRig(options: RigOptions): Promise<Rig> {
  const sim = await startAlpacaSimulator(options.alpaca);
  const proxy = await startFaultProxy({ ...options.proxy, upstream: sim.url });
  const { keyId, secretKey } = sim.credentials;
  return {
    broker: "alpaca",
    proxy,
    access: () => ({ broker: "alpaca", url: proxy.url, keyId, secretKey }),
    secrets: () => [keyId, secretKey, ...proxy.tokens],
    ordersByMarker: () => countBy(sim.orders().map((order) => order.client_order_id)),
    close: async () => {
      await proxy.close();
      await sim.close();
    },
  };
}

async function saxoRig(options: RigOptions): Promise<Rig> {
  const sim = await startSaxoSimulator();
  const proxy = await startFaultProxy({ ...options.proxy, upstream: sim.url });
  const issued: string[] = [sim.app.appSecret];
  return {
    broker: "saxo",
    proxy,
    access: () => {
      const tokens = sim.issueTokens();
      issued.push(tokens.access_token, tokens.refresh_token);
      return {
        broker: "saxo",
        url: proxy.url,
        clientId: sim.app.appKey,
        refreshToken: tokens.refresh_token,
        accountKey: DEFAULT_ACCOUNT.AccountKey,
      };
    },
    secrets: () => [...issued, ...proxy.tokens],
    ordersByMarker: () => countBy(sim.orders.map((order) => order.ExternalReference)),
    close: async () => {
      await proxy.close();
      await sim.close();
    },
  };
}

function countBy(markers: readonly (string | null | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const marker of markers) if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
  return counts;
}

/** Markers of logical orders the simulator holds more than once. */
export function duplicateOrders(rig: Rig): string[] {
  return [...rig.ordersByMarker()].filter(([, count]) => count > 1).map(([marker, count]) => `${marker} ×${count}`);
}

const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie", "apca-api-key-id", "apca-api-secret-key"];
const CREDENTIAL_FIELDS = /(^|[?&])(token|refresh_token|client_secret|code_verifier|password)=/i;

/** What the attacker's origin received that it must not have: credential headers, fields, or any secret. */
export function credentialsAtAttacker(rig: Rig): string[] {
  const secrets = indexSecrets(rig.secrets());
  const findings: string[] = [];
  for (const [index, received] of rig.proxy.attacker.received.entries()) {
    const where = `attacker request #${index} (${received.method} ${received.url.split("?")[0]})`;
    for (const name of CREDENTIAL_HEADERS) if (received.headers[name]) findings.push(`${where}: header ${name}`);
    const query = received.url.includes("?") ? received.url.slice(received.url.indexOf("?")) : "";
    if (CREDENTIAL_FIELDS.test(query)) findings.push(`${where}: a credential in the query`);
    if (CREDENTIAL_FIELDS.test(received.body)) findings.push(`${where}: a credential field in the body`);
    const seen = { request: JSON.stringify(received) };
    for (const leak of findLeaks(seen, secrets)) findings.push(`${where}: ${leak}`);
  }
  return findings;
}

/** A JSON error answer in place of the simulator's (nothing forwarded), with a Retry-After when given. */
export function statusAnswer(status: number, retryAfter?: string): Fault {
  return {
    kind: "answer",
    status,
    headers: { "content-type": "application/json", ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }) },
    body: JSON.stringify({ message: `injected ${status}` }),
  };
}
