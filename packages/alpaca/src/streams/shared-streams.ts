/**
 * Hand-written (not generated). One stream client per feed and credential: Alpaca allows most accounts
 * one connection per endpoint and refuses a second (error 406), so asking twice for the same feed with
 * the same credential gives back the client (and socket) already open, never a second connection.
 * Also picks the feed's URL and the codec (the options feed speaks MessagePack only).
 */
import { type BrokerRuntime, ConfigError } from "@brokerkit/middleware";
import { createStreamClient, type StreamClientOptions } from "@brokerkit/stream";
import { alpacaData, alpacaDataMsgpack, alpacaTrading, alpacaTradingMsgpack } from "@brokerkit/stream/alpaca";
import {
  type AlpacaMarketDataStream,
  type AlpacaMarketDataSubscriptions,
  alpacaMarketDataStreamSpec,
} from "../generated/data-stream/index.js";
import {
  type AlpacaTradingStream,
  type AlpacaTradingSubscriptions,
  alpacaTradingStreamSpec,
} from "../generated/trading-stream/index.js";

/** Alpaca's market data feeds, as `{version}/{feed}` paths of the stream host. */
export const ALPACA_FEEDS = [
  "v2/iex",
  "v2/sip",
  "v2/delayed_sip",
  "v2/test",
  "v1beta3/crypto/us",
  "v1beta1/options",
  "v1beta1/news",
] as const;
export type AlpacaFeed = (typeof ALPACA_FEEDS)[number];

export interface AlpacaStreamOptions extends StreamClientOptions {
  /** JSON (default) or MessagePack frames, asked for on the handshake. The options feed is always MessagePack. */
  codec?: "json" | "msgpack";
}

export interface AlpacaMarketDataStreamOptions extends AlpacaStreamOptions {
  /** Default `v2/iex`, the feed every plan has. Another `{version}/{feed}` path is taken as given. */
  feed?: AlpacaFeed | (string & {});
}

const open = new Map<string, { codec: string; client: AlpacaMarketDataStream | AlpacaTradingStream }>();

/** The market data stream of `feed` for this client's credential: the one already open, or a new one. */
export function alpacaMarketDataStream(
  rest: { readonly runtime: BrokerRuntime },
  options: AlpacaMarketDataStreamOptions = {},
): AlpacaMarketDataStream {
  const feed = options.feed ?? "v2/iex";
  if (!/^v\d+(beta\d+)?\/[a-z_/]+$/.test(feed)) {
    throw new ConfigError(`alpacaMarketDataStream: feed must be a {version}/{feed} path such as v2/sip, got "${feed}"`);
  }
  const codec = feed === "v1beta1/options" ? "msgpack" : (options.codec ?? "json");
  const base = options.url ?? rest.runtime.servers[alpacaMarketDataStreamSpec.server];
  if (!base)
    throw new ConfigError(`alpacaMarketDataStream: no "${alpacaMarketDataStreamSpec.server}" server; pass url`);
  const url = `${new URL(base).origin}/${feed}`;
  return shared(rest.runtime, url, codec, () =>
    createStreamClient<AlpacaMarketDataSubscriptions>(
      alpacaMarketDataStreamSpec,
      codec === "msgpack" ? alpacaDataMsgpack : alpacaData,
      rest.runtime,
      { ...options, url },
    ),
  );
}

/** The trading stream (`trade_updates`) of this client's credential: the one already open, or a new one. */
export function alpacaTradingStream(
  rest: { readonly runtime: BrokerRuntime },
  options: AlpacaStreamOptions = {},
): AlpacaTradingStream {
  const codec = options.codec ?? "json";
  const url = options.url ?? rest.runtime.servers[alpacaTradingStreamSpec.server];
  if (!url) throw new ConfigError(`alpacaTradingStream: no "${alpacaTradingStreamSpec.server}" server; pass url`);
  return shared(rest.runtime, url, codec, () =>
    createStreamClient<AlpacaTradingSubscriptions>(
      alpacaTradingStreamSpec,
      codec === "msgpack" ? alpacaTradingMsgpack : alpacaTrading,
      rest.runtime,
      { ...options, url },
    ),
  );
}

function shared<T extends AlpacaMarketDataStream | AlpacaTradingStream>(
  runtime: BrokerRuntime,
  url: string,
  codec: string,
  create: () => T,
): T {
  const key = `${runtime.credentials.identity}\u0000${url}`;
  const existing = open.get(key);
  if (existing) {
    if (existing.codec !== codec) {
      throw new ConfigError(
        `alpaca stream ${url}: already open with the ${existing.codec} codec for this credential; Alpaca allows one connection, so close it before asking for ${codec}`,
      );
    }
    return existing.client as T;
  }
  const client = create();
  const close = client.close.bind(client);
  const entry = { codec, client };
  client.close = () => {
    if (open.get(key) === entry) open.delete(key);
    return close();
  };
  open.set(key, entry);
  return client;
}
