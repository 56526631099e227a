/** The authoring form of `specs/<broker>/broker.yaml`; schema/broker.schema.json is the source of truth. */
import type { HttpMethod } from "@brokerkit/middleware";
import type { ManifestStream } from "./stream-types.js";

export interface Manifest {
  $schema?: string;
  package: string;
  description: string;
  environments: Record<string, { description?: string; servers: Record<string, string> }>;
  apis: Record<string, ManifestApi>;
  streams?: Record<string, ManifestStream>;
  auth?: Record<string, ManifestAuth>;
  rateLimits?: ManifestRateLimit[];
  /** Spec parameters the client supplies itself (timestamp, signature, idempotency keys). */
  clientFilled?: ManifestClientFilled[];
  sticky?: { service: string; probe: string; lostStatuses?: number[]; lostErrorCodes?: string[]; apis?: string[] };
  routes?: { from: string; to: string; methods?: HttpMethod[]; apis?: string[] }[];
  idempotency?: {
    header?: string;
    bodyField?: string;
    query?: string;
    methods?: HttpMethod[];
    paths?: string[];
    reuse?: "deduplicated" | "rejected";
  };
  cache?: { routes: string[]; sessionBoundaryUtc: string };
  retry?: { attempts?: number; baseDelay?: string; maxDelay?: string };
}

export interface ManifestApi {
  spec: string;
  server: string;
  factory: string;
  auth: string[];
  operationServers?: Record<string, string>;
  timeout?: string;
  /** Per-operation facts by `METHOD /path/template`: rate-limit weight, safe to repeat. */
  operations?: Record<string, { weight?: number; safe?: boolean }>;
}

export interface ManifestRateLimit {
  name: string;
  limit: number;
  per: string;
  path?: string;
  methods?: HttpMethod[];
  apis?: string[];
  unit?: "calls" | "weight";
  scope?: "credential" | "ip" | { param: string };
  headers?: { used?: string; remaining?: string; reset?: string; resetUnit?: "s" | "ms" | "epoch-s" | "epoch-ms" };
  banStatuses?: number[];
}

export interface ManifestClientFilled {
  name: string;
  in: "query" | "header" | "body";
  /** `omit` (default): gone from the generated types. `optional`: the caller may still pass one. */
  types?: "omit" | "optional";
}

export interface ManifestSignatureAuth {
  kind: "signature";
  algorithm?: "HMAC-SHA256" | "HMAC-SHA512";
  payload: "query" | "body" | "query+body" | "template";
  template?: string;
  encoding?: "hex" | "base64";
  keyHeader: string;
  signature: { in: "query" | "header"; name: string };
  timestamp: { in: "query" | "header"; name: string };
  receiveWindow?: { name: string; value: string };
  serverTime?: { url: string; field: string; resync?: string };
}

export type ManifestAuth =
  | {
      kind: "refresh-exchange";
      tokenUrl: string;
      tokenIn?: "query" | "body";
      accessTokenField?: string;
      defaultLifetime?: string;
      skew?: string;
      minInterval?: string;
    }
  | {
      kind: "oauth2";
      authorizeUrl?: string;
      tokenUrl: string;
      grant?: "refresh_token" | "client_credentials";
      skew?: string;
      minInterval?: string;
    }
  | { kind: "static-headers"; headers: Record<string, string> }
  | { kind: "basic" }
  | { kind: "bearer" }
  | ManifestSignatureAuth;
