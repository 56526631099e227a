/** The authoring form of a manifest's `streams:` section; schema/broker.schema.json is the source of truth. */

export interface ManifestStream {
  /** AsyncAPI 3 document, relative to the manifest. */
  document: string;
  factory: string;
  protocol: string;
  server: string;
  auth: string;
  heartbeat: { idle: string };
  ackTimeout?: string;
  reconnect?: { baseDelay?: string; maxDelay?: string; maxAttempts?: number };
  limits?: { name: string; limit: number; per: string; channels?: string[] }[];
  channels: Record<string, ManifestStreamChannel>;
}

export interface ManifestStreamChannel {
  buffer?: { policy: "drop-oldest" | "conflate" | "error"; size: number; conflateKey?: string[] };
  snapshot?: boolean;
  dedupeBy?: string[];
}
