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
  rateLimits?: { name: string; limit: number; per: string; path?: string; methods?: HttpMethod[]; apis?: string[] }[];
  sticky?: { service: string; probe: string; lostStatuses?: number[]; lostErrorCodes?: string[]; apis?: string[] };
  routes?: { from: string; to: string; methods?: HttpMethod[]; apis?: string[] }[];
  idempotency?: {
    header?: string;
    bodyField?: string;
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
  | { kind: "bearer" };
