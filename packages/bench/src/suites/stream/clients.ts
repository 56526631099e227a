/**
 * The three ways to read the same ALOR quote feed that the streaming suite compares:
 * - `ws` alone, parsing each frame: the baseline that defines "added" latency;
 * - brokerkit: `createStreamClient` with the ALOR data adapter and a REST client's runtime, read with
 *   `for await`, on a channel that never drops (so every message is delivered and counted);
 * - `alor-api`'s `subscriptions.quotes` with a callback.
 * Each run opens a fresh connection, receives `count` messages and measures first to last (wall time
 * and this process's CPU time), and (optionally) the latency of each message: receive time − the
 * feed's `sentAt`.
 */
import { type ApiConfig, createBrokerClient } from "@brokerkit/middleware";
import { createStreamClient, type StreamSpec } from "@brokerkit/stream";
import { alorData } from "@brokerkit/stream/alor";
import { AlorApi } from "alor-api";
import { WebSocket } from "ws";
import type { FeedServer } from "./feed.js";
import { clock, quote } from "./quote.js";

export interface Run {
  elapsedMs: number;
  /** CPU time this process used from the first to the last message (user + system). */
  cpuMs: number;
  latencies: Float64Array | undefined;
  /** Sum over every field of every message read (numbers, and strings' lengths), sentAt aside: equal for every reader of the same feed. */
  checksum: number;
}

export interface StreamContender {
  name: string;
  /** Reads `count` messages, spread round-robin over `subscriptions` quote subscriptions on one socket. */
  run(feed: FeedServer, count: number, rate: number, measureLatency: boolean, subscriptions?: number): Promise<Run>;
}

interface Quote {
  data: { seq: number; sentAt: number; last_price: number } & Record<string, unknown>;
  guid: string;
}

const SUBSCRIBE = { code: "SBER", exchange: "MOEX", format: "Simple", frequency: 0 } as const;
const CODES = ["SBER", "GAZP", "LKOH", "YDEX", "ROSN", "GMKN", "NVTK", "TATN"] as const;

/** The params of `subscriptions` quote subscriptions, one instrument each. */
function instruments(subscriptions: number): (typeof SUBSCRIBE)[] {
  if (subscriptions > CODES.length) throw new RangeError(`stream bench: at most ${CODES.length} subscriptions`);
  return CODES.slice(0, subscriptions).map((code) => ({ ...SUBSCRIBE, code }) as unknown as typeof SUBSCRIBE);
}

/** Collects first/last receive times and latencies; resolves after `count` messages. */
function recorder(count: number, measureLatency: boolean) {
  const latencies = measureLatency ? new Float64Array(count) : undefined;
  let received = 0;
  let first = 0;
  let firstCpu: NodeJS.CpuUsage | undefined;
  let checksum = 0;
  let resolve: (run: Run) => void = () => {};
  const done = new Promise<Run>((r) => {
    resolve = r;
  });
  return {
    done,
    /**
     * Reads every field of the quote, as an application would (so a decoder that defers work until a
     * field is read pays for it here), and returns true once the last message arrived.
     */
    record(quote: Quote["data"]): boolean {
      const now = clock();
      for (const key in quote) {
        if (key === "sentAt") continue;
        const value = quote[key];
        checksum += typeof value === "number" ? value : String(value).length;
      }
      const sentAt = quote.sentAt;
      if (received === 0) {
        first = now;
        firstCpu = process.cpuUsage();
      }
      if (latencies) latencies[received] = now - sentAt;
      if (++received === count) {
        const cpu = process.cpuUsage(firstCpu);
        resolve({ elapsedMs: now - first, cpuMs: (cpu.user + cpu.system) / 1000, latencies, checksum });
        return true;
      }
      return false;
    },
  };
}

const rawWs: StreamContender = {
  name: "ws alone (JSON.parse per frame)",
  async run(feed, count, rate, measureLatency, subscriptions = 1) {
    await feed.setNext({ count, rate, subscriptions });
    const socket = new WebSocket(feed.wsUrl);
    const result = recorder(count, measureLatency);
    const guids = new Set<string>();
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as Partial<Quote>;
      if (message.guid !== undefined && guids.has(message.guid) && message.data) result.record(message.data);
    });
    await new Promise((resolve) => socket.once("open", resolve));
    for (const params of instruments(subscriptions)) {
      const guid = crypto.randomUUID();
      guids.add(guid);
      socket.send(JSON.stringify({ opcode: "QuotesSubscribe", guid, token: "bench", ...params }));
    }
    const run = await result.done;
    socket.close();
    return run;
  },
};

const restConfig = (feed: FeedServer): ApiConfig => ({
  broker: "alor",
  api: "warp",
  environments: { bench: { servers: { api: feed.httpUrl, oauth: feed.httpUrl, ws: feed.wsUrl } } },
  server: "api",
  auth: [
    {
      name: "refresh",
      kind: "refresh-exchange",
      tokenUrl: "{oauth}/refresh",
      tokenIn: "query",
      accessTokenField: "AccessToken",
      defaultLifetimeMs: 30 * 60_000,
      skewMs: 60_000,
      minIntervalMs: 1_000,
    },
  ],
  rateLimits: [{ name: "user", limit: 100, intervalMs: 1_000 }],
  routes: [],
  retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
  timeoutMs: 30_000,
  operations: [],
});

/** The data stream as the ALOR manifest declares it, with the quote channel set to never drop. */
const streamSpec: StreamSpec = {
  broker: "alor",
  name: "data",
  protocol: "alor-ws",
  server: "ws",
  auth: "refresh",
  idleTimeoutMs: 30_000,
  reconnect: { baseDelayMs: 250, maxDelayMs: 10_000, maxAttempts: 10 },
  ackTimeoutMs: 10_000,
  limits: [],
  channels: {
    quotes: {
      kind: "subscription",
      fixed: { opcode: "QuotesSubscribe" },
      buffer: { policy: "error", size: 1_000_000 },
    },
  },
};

const brokerkit: StreamContender = {
  name: "brokerkit (@brokerkit/stream, for await)",
  async run(feed, count, rate, measureLatency, subscriptions = 1) {
    const rest = createBrokerClient(restConfig(feed), {
      environment: "bench",
      credentials: { refreshToken: "bench-refresh-token" },
    });
    const stream = createStreamClient<{ quotes: { params: typeof SUBSCRIBE; message: Quote } }>(
      streamSpec,
      alorData,
      rest.runtime,
    );
    await feed.setNext({ count, rate, subscriptions });
    const result = recorder(count, measureLatency);
    // The feed deals the messages round-robin: each reader ends after its share.
    const share = count / subscriptions;
    if (!Number.isInteger(share)) throw new RangeError("stream bench: count must divide among the subscriptions");
    const read = async (params: typeof SUBSCRIBE) => {
      let received = 0;
      for await (const quote of stream.subscribe("quotes", params)) {
        result.record(quote.data);
        if (++received === share) break;
      }
    };
    await Promise.all(instruments(subscriptions).map(read));
    const run = await result.done;
    await stream.close();
    return run;
  },
};

const alorApi: StreamContender = {
  name: "alor-api (subscriptions.quotes)",
  async run(feed, count, rate, measureLatency, subscriptions = 1) {
    // Its endpoint options are typed as enums of ALOR's hosts; any URL works at runtime.
    const options = {
      token: "bench-refresh-token",
      accessToken: "bench-access-token",
      endpoint: feed.httpUrl,
      authEndpoint: feed.httpUrl,
      wssEndpoint: feed.wsUrl,
      wssEndpointBeta: feed.wsUrl,
    };
    const log = console.log;
    console.log = () => {}; // it logs every connect
    try {
      const api = new AlorApi(options as unknown as ConstructorParameters<typeof AlorApi>[0]);
      await feed.setNext({ count, rate, subscriptions });
      const result = recorder(count, measureLatency);
      const unsubscribes: (() => Promise<void>)[] = [];
      for (const params of instruments(subscriptions)) {
        unsubscribes.push(
          await api.subscriptions.quotes(params as never, (data) => {
            result.record(data as unknown as Quote["data"]);
          }),
        );
      }
      const run = await result.done;
      for (const unsubscribe of unsubscribes) await unsubscribe();
      (api.subscriptions as unknown as { wss: WebSocket }).wss.terminate();
      return run;
    } finally {
      console.log = log;
    }
  },
};

export const CONTENDERS: readonly StreamContender[] = [rawWs, brokerkit, alorApi];

/**
 * The floor under every reader: the same quotes as bytes in memory, each turned into text, parsed
 * with JSON.parse and read field by field, with no socket and no delivery. No reader that decodes
 * every message can spend less CPU per message than this.
 */
export function parseFloor(count: number): Promise<Run> {
  const guid = crypto.randomUUID();
  const frames = Array.from({ length: count }, (_, i) => Buffer.from(quote(guid, i)));
  const result = recorder(count, false);
  for (const frame of frames) result.record((JSON.parse(frame.toString()) as Quote).data);
  return result.done;
}
