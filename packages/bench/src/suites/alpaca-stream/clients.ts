/**
 * The three ways to read the same Alpaca quote feed (MessagePack) that the Alpaca streaming suite compares:
 * - `ws` alone, decoding each frame with @msgpack/msgpack: the baseline that defines "added" latency;
 * - brokerkit: `createStreamClient` with Alpaca's generated data stream spec and the `alpaca-data-msgpack`
 *   adapter, on a trading client's runtime, read with `for await`, the quote channel set to never drop
 *   (the manifest conflates quotes, which would deliver fewer than were sent);
 * - `@alpacahq/alpaca-trade-api`'s `streaming.StockDataStream` (MessagePack only), `onQuote` callback.
 * Each run opens a fresh connection, receives `count` quotes and measures first to last (wall time and
 * this process's CPU time), and (optionally) each quote's latency: receive time − its `t`.
 */

import { streaming } from "@alpacahq/alpaca-trade-api";
import { type AlpacaMarketDataSubscriptions, alpacaMarketDataStreamSpec } from "@brokerkit/alpaca/streams";
import { createTradingClient } from "@brokerkit/alpaca/trading";
import { createStreamClient, type StreamSpec } from "@brokerkit/stream";
import { alpacaDataMsgpack } from "@brokerkit/stream/alpaca";
import { encode } from "@msgpack/msgpack";
import { WebSocket } from "ws";
import { collectGarbage } from "../../lib/options.js";
import type { FeedServer } from "../stream/feed.js";
import { clock } from "../stream/quote.js";
import { quote, rfc3339Decoder, sentAtMs, type WireQuote } from "./quote.js";

export interface Run {
  elapsedMs: number;
  /** CPU time this process used from the first to the last message (user + system). */
  cpuMs: number;
  latencies: Float64Array | undefined;
  /** Sum over every field of every quote (numbers, and strings' lengths): equal for every reader of the same feed. */
  checksum: number;
}

export interface AlpacaContender {
  name: string;
  run(feed: FeedServer, count: number, rate: number, measureLatency: boolean, perFrame?: number): Promise<Run>;
}

const KEY = { keyId: "PKBENCH00000000000001", secretKey: "bench-secret-key" };
/** The feed path: `{version}/{feed}`. */
const FEED = "v2/iex";
const feedUrl = (feed: FeedServer) => `${feed.httpUrl.replace(/^http/, "ws")}/${FEED}`;

/** Collects first/last receive times and latencies; resolves after `count` quotes. */
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
    /** Takes every field of one quote, as an application would read them; true once the last arrived. */
    record(
      symbol: string,
      bidExchange: string,
      bidPrice: number,
      bidSize: number,
      askExchange: string,
      askPrice: number,
      askSize: number,
      conditions: readonly string[],
      tape: string,
      time: string,
    ): boolean {
      const now = clock();
      checksum += symbol.length + bidExchange.length + bidPrice + bidSize + askExchange.length + askPrice + askSize;
      for (const condition of conditions) checksum += condition.length;
      checksum += tape.length + time.length;
      if (received === 0) {
        first = now;
        firstCpu = process.cpuUsage();
      }
      if (latencies) latencies[received] = now - sentAtMs(time);
      if (++received === count) {
        const cpu = process.cpuUsage(firstCpu);
        resolve({ elapsedMs: now - first, cpuMs: (cpu.user + cpu.system) / 1000, latencies, checksum });
        return true;
      }
      return false;
    },
  };
}

type Recorder = ReturnType<typeof recorder>;
const recordWire = (result: Recorder, q: WireQuote) =>
  result.record(q.S, q.bx, q.bp, q.bs, q.ax, q.ap, q.as, q.c, q.z, q.t);

const rawWs: AlpacaContender = {
  name: "ws alone (one msgpack Decoder)",
  async run(feed, count, rate, measureLatency, perFrame = 1) {
    await feed.setNext({ count, rate, perFrame });
    const socket = new WebSocket(feedUrl(feed), {
      perMessageDeflate: false,
      headers: { "Content-Type": "application/msgpack" },
    });
    const result = recorder(count, measureLatency);
    socket.on("message", (raw: Buffer) => {
      const messages = rfc3339Decoder.decode(raw) as (WireQuote | { T: string; msg?: string })[];
      for (const message of messages) {
        if (message.T === "q") recordWire(result, message as WireQuote);
        else if (message.T === "success" && (message as { msg?: string }).msg === "connected") {
          socket.send(encode({ action: "auth", key: KEY.keyId, secret: KEY.secretKey }));
        } else if (message.T === "success") socket.send(encode({ action: "subscribe", quotes: ["AAPL"] }));
      }
    });
    const run = await result.done;
    socket.close();
    return run;
  },
};

/** The market data stream as the manifest declares it, with the quote channel set to never drop. */
const streamSpec: StreamSpec = {
  ...alpacaMarketDataStreamSpec,
  channels: {
    ...alpacaMarketDataStreamSpec.channels,
    quotes: { ...alpacaMarketDataStreamSpec.channels.quotes, buffer: { policy: "error", size: 1_000_000 } },
  },
} as StreamSpec;

const brokerkit: AlpacaContender = {
  name: "brokerkit (@brokerkit/alpaca/streams, msgpack, for await)",
  async run(feed, count, rate, measureLatency, perFrame = 1) {
    const rest = createTradingClient({ environment: "paper", credentials: KEY, servers: { trading: feed.httpUrl } });
    const stream = createStreamClient<AlpacaMarketDataSubscriptions>(streamSpec, alpacaDataMsgpack, rest.runtime, {
      url: feedUrl(feed),
    });
    await feed.setNext({ count, rate, perFrame });
    const result = recorder(count, measureLatency);
    for await (const q of stream.subscribe("quotes", { quotes: ["AAPL"] })) {
      if (recordWire(result, q as unknown as WireQuote)) break;
    }
    const run = await result.done;
    await stream.close();
    return run;
  },
};

/** Read by the SDK reader so that its eagerly built `Date` is read too (it carries nothing `timestampRaw` lacks). */
let lastTimestampMs = 0;

const alpacaSdk: AlpacaContender = {
  name: "@alpacahq/alpaca-trade-api (StockDataStream, onQuote)",
  async run(feed, count, rate, measureLatency, perFrame = 1) {
    const stream = new streaming.StockDataStream({
      credentials: { keyId: KEY.keyId, secret: KEY.secretKey },
      url: feedUrl(feed),
      reconnect: false,
    });
    await feed.setNext({ count, rate, perFrame });
    const result = recorder(count, measureLatency);
    stream.onQuote((q) => {
      lastTimestampMs = q.timestamp?.getTime() ?? lastTimestampMs;
      result.record(
        q.symbol,
        q.bidExchange as string,
        q.bidPrice as number,
        q.bidSize as number,
        q.askExchange as string,
        q.askPrice as number,
        q.askSize as number,
        q.conditions,
        q.tape as string,
        q.timestampRaw as string,
      );
    });
    // Sent once authenticated (its resubscribe step).
    stream.subscribeForQuotes(["AAPL"]);
    stream.connect();
    const run = await result.done;
    stream.disconnect();
    return run;
  },
};

export const CONTENDERS: readonly AlpacaContender[] = [rawWs, brokerkit, alpacaSdk];

/**
 * The floor under every reader: the same quotes as MessagePack frames in memory, each decoded (timestamps
 * to RFC 3339 text) and read field by field, with no socket and no delivery.
 */
export function parseFloor(count: number, perFrame = 1): Promise<Run> {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i += perFrame) {
    const messages = [];
    for (let j = i; j < Math.min(i + perFrame, count); j++) messages.push(quote(j));
    frames.push(encode(messages));
  }
  // The garbage of making the frames is not the decoder's to collect.
  collectGarbage();
  const result = recorder(count, false);
  for (const frame of frames) {
    for (const q of rfc3339Decoder.decode(frame) as WireQuote[]) recordWire(result, q);
  }
  return result.done;
}
