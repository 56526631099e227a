/**
 * A simulated load balancer in front of several servers per service, the way Saxo's gateway pins clients:
 * `GET /{service}/isalive` picks a server and answers cookies; a later request that carries those cookies
 * reaches that server, and one without them lands on a random server that does not know the session.
 *
 * Cookies per probe:
 *  - `BIGipServeroapi-<service>`: the server affinity, scoped to the service's path;
 *  - `oapi-edge`: an edge-session cookie on `/`, which must also be sent back (every cookie must be).
 */
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { serializeSetCookie } from "./cookies.js";
import type { SaxoCounters } from "./counters.js";

export const EDGE_COOKIE = "oapi-edge";

export function affinityCookieName(service: string): string {
  return `BIGipServeroapi-${service}`;
}

export interface ProbeRecord {
  service: string;
  /** The server the probe pinned the client to. */
  backend: string;
  /** performance.now() when the probe arrived. */
  at: number;
  /** True when another probe of the same service was in flight at the same time. */
  overlapped: boolean;
}

export interface Routing {
  backend: string;
  /** True when the request carried a valid, unexpired affinity (and edge) cookie for this service. */
  sticky: boolean;
}

interface Affinity {
  service: string;
  backend: string;
  expiresAt: number;
}

export interface LoadBalancerSettings {
  backendsPerService: number;
  stickyCookieTtlMs: number;
  probeLatencyMs: number;
  /** Cookie path(s) for a service's affinity cookie (one cookie per path). */
  cookiePath(service: string): string | readonly string[];
}

export class LoadBalancer {
  readonly probes: ProbeRecord[] = [];
  private readonly affinities = new Map<string, Affinity>();
  private readonly edgeSessions = new Map<string, number>();
  private readonly probesInFlight = new Map<string, ProbeRecord[]>();

  constructor(
    private readonly settings: LoadBalancerSettings,
    private readonly counters: SaxoCounters,
  ) {}

  /** Answers an isalive probe: pins a random server and returns the Set-Cookie lines. */
  async probe(service: string): Promise<string[]> {
    const record: ProbeRecord = { service, backend: "", at: performance.now(), overlapped: false };
    const inFlight = this.probesInFlight.get(service) ?? [];
    if (inFlight.length > 0) {
      record.overlapped = true;
      for (const other of inFlight) other.overlapped = true;
      this.counters.overlappingProbes++;
    }
    inFlight.push(record);
    this.probesInFlight.set(service, inFlight);
    this.probes.push(record);
    this.counters.probes[service] = (this.counters.probes[service] ?? 0) + 1;
    try {
      if (this.settings.probeLatencyMs > 0) await delay(this.settings.probeLatencyMs);
      record.backend = this.randomBackend(service);
      const now = Date.now();
      const ttl = this.settings.stickyCookieTtlMs;
      const affinity = randomBytes(12).toString("hex");
      this.affinities.set(affinity, { service, backend: record.backend, expiresAt: now + ttl });
      const edge = randomBytes(12).toString("hex");
      this.edgeSessions.set(edge, now + ttl);
      const paths = this.settings.cookiePath(service);
      return [
        ...(typeof paths === "string" ? [paths] : paths).map((path) =>
          serializeSetCookie({ name: affinityCookieName(service), value: affinity, path, maxAgeMs: ttl }),
        ),
        serializeSetCookie({ name: EDGE_COOKIE, value: edge, path: "/", maxAgeMs: ttl }),
      ];
    } finally {
      inFlight.splice(inFlight.indexOf(record), 1);
    }
  }

  /** Forgets every affinity issued so far, as if the servers restarted: their cookies now lose the session. */
  expireAll(): void {
    for (const affinity of this.affinities.values()) affinity.expiresAt = 0;
  }

  /** Picks the server for a request from its cookies, and counts the arrival there. */
  route(service: string, cookies: Record<string, string>): Routing {
    const now = Date.now();
    const affinity = this.affinities.get(cookies[affinityCookieName(service)] ?? "");
    const edgeExpiresAt = this.edgeSessions.get(cookies[EDGE_COOKIE] ?? "");
    const sticky =
      affinity !== undefined &&
      affinity.service === service &&
      affinity.expiresAt > now &&
      edgeExpiresAt !== undefined &&
      edgeExpiresAt > now;
    const backend = sticky ? affinity.backend : this.randomBackend(service);
    this.counters.requestsPerBackend[backend] = (this.counters.requestsPerBackend[backend] ?? 0) + 1;
    return { backend, sticky };
  }

  private randomBackend(service: string): string {
    return `${service}-${1 + Math.floor(Math.random() * this.settings.backendsPerService)}`;
  }
}
