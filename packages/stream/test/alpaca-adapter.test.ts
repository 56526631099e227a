/**
 * The Alpaca adapters' frame decoding, which needs no socket: JSON text, JSON in binary frames (paper's
 * trading stream) and MessagePack (on the MessagePack adapters, which load their codec in `prepare`)
 * give the same items; control answers go to the one control request
 * in flight; data is routed by type and symbol, and to the type's wildcard.
 */
import { ExtData, encode, encodeTimeSpecToTimestamp } from "@msgpack/msgpack";
import { beforeAll, describe, expect, it } from "vitest";
import { alpacaData, alpacaDataMsgpack, alpacaTrading } from "../src/adapters/alpaca.js";
import { AlpacaConnectionLimitError, AlpacaStreamAuthError, alpacaStreamError } from "../src/adapters/alpaca-errors.js";

const TRADE = {
  T: "t",
  S: "AAPL",
  i: 7,
  x: "V",
  p: 189.51,
  s: 100,
  c: ["@"],
  z: "C",
  t: "2026-01-05T15:30:00.123456789Z",
};

describe("alpaca market data frames", () => {
  beforeAll(async () => {
    // What a connection does before it opens the socket: loads the codec, keeps the URL.
    const prepared = await alpacaDataMsgpack.prepare?.("wss://stream.example/v2/iex", () => Promise.resolve(""));
    expect(prepared).toEqual({ url: "wss://stream.example/v2/iex" });
  });

  it("routes a trade by type and symbol and to the wildcard, from JSON and MessagePack alike", () => {
    const json = alpacaData.decode(JSON.stringify([TRADE]));
    const packed = alpacaDataMsgpack.decode(
      encode([
        {
          ...TRADE,
          t: new ExtData(
            -1,
            encodeTimeSpecToTimestamp({ sec: Date.parse("2026-01-05T15:30:00Z") / 1000, nsec: 123456789 }),
          ),
        },
      ]),
    );
    expect(json).toEqual([
      { kind: "data", key: "t:AAPL", message: TRADE },
      { kind: "data", key: "t:*", message: TRADE },
    ]);
    expect(packed).toEqual(json);
  });

  it("trims a MessagePack timestamp's trailing zeros as the JSON text does", () => {
    const whole = alpacaDataMsgpack.decode(
      encode([
        { T: "q", S: "MSFT", t: new ExtData(-1, encodeTimeSpecToTimestamp({ sec: 1767627000, nsec: 500_000_000 })) },
      ]),
    );
    expect(whole[0]).toMatchObject({ message: { t: "2026-01-05T15:30:00.5Z" } });
  });

  it("routes news to each of its symbols", () => {
    const keys = alpacaData
      .decode(JSON.stringify([{ T: "n", id: 1, headline: "h", symbols: ["AAPL", "MSFT"] }]))
      .map((item) => (item.kind === "data" ? item.key : item.kind));
    expect(keys).toEqual(["n:AAPL", "n:MSFT", "n:*"]);
  });

  it("turns control messages into answers and errors into failed answers with the code", () => {
    const items = alpacaData.decode(
      JSON.stringify([
        { T: "success", msg: "connected" },
        { T: "success", msg: "authenticated" },
        { T: "subscription", trades: ["AAPL"], quotes: [] },
        { T: "error", code: 406, msg: "connection limit exceeded" },
      ]),
    );
    expect(items.map((item) => item.kind)).toEqual(["heartbeat", "ack", "ack", "ack"]);
    expect(items[3]).toMatchObject({
      kind: "ack",
      id: "control",
      ack: { ok: false, code: 406, message: "connection limit exceeded" },
    });
  });

  it("reports frames it cannot read, never throws", () => {
    expect(alpacaData.decode("not json")[0]).toMatchObject({ kind: "malformed" });
    expect(alpacaData.decode(new Uint8Array([0xc1]))[0]).toMatchObject({ kind: "malformed" });
    expect(alpacaDataMsgpack.decode(new Uint8Array([0xc1]))[0]).toMatchObject({ kind: "malformed" });
    // A JSON stream reads no MessagePack: the codec is the MessagePack adapters' only.
    expect(alpacaData.decode(encode([TRADE]))[0]).toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("not JSON"),
    });
    expect(alpacaData.decode(JSON.stringify([{ T: "zz" }]))[0]).toMatchObject({ kind: "malformed" });
  });
});

describe("alpaca trading frames", () => {
  it("reads trade updates from binary frames holding JSON", () => {
    const frame = { stream: "trade_updates", data: { event: "fill", order: { id: "o1" }, execution_id: "e1" } };
    expect(alpacaTrading.decode(new TextEncoder().encode(JSON.stringify(frame)))).toEqual([
      { kind: "data", key: "trade_updates", message: frame },
    ]);
  });

  it("answers authorization and listening", () => {
    const refused = alpacaTrading.decode(JSON.stringify({ stream: "authorization", data: { status: "unauthorized" } }));
    expect(refused[0]).toMatchObject({ kind: "ack", ack: { ok: false, code: 401 } });
    const listening = alpacaTrading.decode(
      JSON.stringify({ stream: "listening", data: { streams: ["trade_updates"] } }),
    );
    expect(listening[0]).toMatchObject({ kind: "ack", ack: { ok: true } });
  });
});

describe("alpaca stream errors", () => {
  it("maps codes to typed errors", () => {
    expect(alpacaStreamError("alpaca data-stream", "authentication", 402, "auth failed", {})).toBeInstanceOf(
      AlpacaStreamAuthError,
    );
    const limit = alpacaStreamError("alpaca data-stream", "authentication", 406, undefined, {});
    expect(limit).toBeInstanceOf(AlpacaConnectionLimitError);
    expect(limit.message).toBe("alpaca data-stream: authentication was refused (406): connection limit exceeded");
  });
});
