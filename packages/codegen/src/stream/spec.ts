/**
 * A stream's runtime description, built from its manifest entry and its document's channels. The
 * shape is `StreamSpec` of @brokerkit/stream (src/spec.ts); the generator does not depend on that
 * package, and the generated `config.ts` is type-checked against the real type.
 */
import { parseDuration } from "../duration.js";
import type { ManifestStream, ManifestStreamChannel } from "../manifest/stream-types.js";

export type ChannelSpecOut =
  | {
      kind: "subscription";
      fixed: Record<string, unknown>;
      buffer: { policy: string; size: number; conflateKey?: string[] };
      snapshot?: boolean;
      dedupeBy?: string[];
      address?: string;
    }
  | { kind: "command"; fixed: Record<string, unknown>; stateChanging: boolean };

export interface StreamSpecOut {
  broker: string;
  name: string;
  protocol: string;
  server: string;
  auth: string;
  idleTimeoutMs: number;
  reconnect: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  ackTimeoutMs: number;
  limits: { name: string; limit: number; intervalMs: number; channels?: string[] }[];
  channels: Record<string, ChannelSpecOut>;
}

/** Defaults of the optional timings (also stated in the manifest schema). */
const DEFAULTS = { ackTimeout: "10s", baseDelay: "500ms", maxDelay: "30s", maxAttempts: 10 };

export function streamSpec(
  broker: string,
  name: string,
  stream: ManifestStream,
  channels: readonly {
    name: string;
    kind: "subscription" | "command";
    fixed: Record<string, unknown>;
    address?: string;
  }[],
): StreamSpecOut {
  return {
    broker,
    name,
    protocol: stream.protocol,
    server: stream.server,
    auth: stream.auth,
    idleTimeoutMs: parseDuration(stream.heartbeat.idle),
    reconnect: {
      baseDelayMs: parseDuration(stream.reconnect?.baseDelay ?? DEFAULTS.baseDelay),
      maxDelayMs: parseDuration(stream.reconnect?.maxDelay ?? DEFAULTS.maxDelay),
      maxAttempts: stream.reconnect?.maxAttempts ?? DEFAULTS.maxAttempts,
    },
    ackTimeoutMs: parseDuration(stream.ackTimeout ?? DEFAULTS.ackTimeout),
    limits: (stream.limits ?? []).map((rule) => ({
      name: rule.name,
      limit: rule.limit,
      intervalMs: parseDuration(rule.per),
      ...(rule.channels ? { channels: rule.channels } : {}),
    })),
    channels: Object.fromEntries(
      channels.map((channel) => [
        channel.name,
        channelSpec(
          channel.kind,
          channel.fixed,
          stream.channels[channel.name] as ManifestStreamChannel,
          channel.address,
        ),
      ]),
    ),
  };
}

function channelSpec(
  kind: "subscription" | "command",
  fixed: Record<string, unknown>,
  rule: ManifestStreamChannel,
  address: string | undefined,
): ChannelSpecOut {
  // Every command places, changes or cancels something: the safe assumption is that it changes state,
  // so the runtime never re-sends one blindly.
  if (kind === "command") return { kind, fixed, stateChanging: true };
  const buffer = rule.buffer as NonNullable<ManifestStreamChannel["buffer"]>;
  return {
    kind,
    fixed,
    buffer: {
      policy: buffer.policy,
      size: buffer.size,
      ...(buffer.conflateKey ? { conflateKey: buffer.conflateKey } : {}),
    },
    ...(rule.snapshot !== undefined ? { snapshot: rule.snapshot } : {}),
    ...(rule.dedupeBy ? { dedupeBy: rule.dedupeBy } : {}),
    ...(address ? { address } : {}),
  };
}
