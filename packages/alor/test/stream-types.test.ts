/**
 * The generated stream factories, typed from specs/alor/warp-ws.asyncapi.yaml and warp-cws.asyncapi.yaml.
 * `pnpm typecheck` (tsc over test/) checks the type expectations and every @ts-expect-error line of
 * `typedUse`; vitest checks the runtime descriptions the factories hand @brokerkit/stream.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { createAlorClient } from "../src/index.js";
import {
  type AlorCommandStream,
  type AlorDataStream,
  alorCommandStreamSpec,
  alorDataStreamSpec,
  createAlorCommandStream,
  createAlorDataStream,
} from "../src/streams.js";

/** Compiled, never run: what a consumer may and may not write. */
async function typedUse(stream: AlorDataStream, commands: AlorCommandStream): Promise<void> {
  for await (const quote of stream.subscribe("quotes", { code: "SBER", exchange: "MOEX", frequency: 25 })) {
    expectTypeOf(quote).toHaveProperty("data");
    expectTypeOf(quote.guid).toEqualTypeOf<string>();
    // `data` is any of the formats (Simple, Slim, Heavy): a field of one of them narrows it.
    if ("last_price" in quote.data) expectTypeOf(quote.data.last_price).toEqualTypeOf<number | undefined>();
    if ("c" in quote.data) expectTypeOf(quote.data.c).toEqualTypeOf<number | undefined>();
    break;
  }
  stream.subscribe("orderBook", { code: "SBER", exchange: "MOEX", depth: 10, format: "Slim" });
  stream.subscribe("orders", { portfolio: "D39004", exchange: "MOEX", orderStatuses: ["working"], skipHistory: true });
  // @ts-expect-error quotes take an instrument, not a portfolio
  stream.subscribe("quotes", { code: "SBER", exchange: "MOEX", portfolio: "D39004" });
  // @ts-expect-error the instrument code is required
  stream.subscribe("quotes", { exchange: "MOEX" });
  // @ts-expect-error the exchange is MOEX or SPBX
  stream.subscribe("quotes", { code: "SBER", exchange: "NYSE" });
  // @ts-expect-error the runtime fills in the opcode (and guid and token)
  stream.subscribe("quotes", { code: "SBER", exchange: "MOEX", opcode: "QuotesSubscribe" });
  // @ts-expect-error there is no such channel
  stream.subscribe("quote", { code: "SBER", exchange: "MOEX" });
  // @ts-expect-error the data socket has no commands
  await stream.command("createLimitOrder", {});

  const order = {
    side: "buy",
    quantity: 1,
    instrument: { symbol: "SBER", exchange: "MOEX" },
    user: { portfolio: "D39004" },
  } as const;
  const reply = await commands.command("createLimitOrder", { ...order, price: 250 });
  expectTypeOf(reply.httpCode).toEqualTypeOf<number>();
  expectTypeOf(reply.orderNumber).toEqualTypeOf<string | undefined>();
  await commands.command("deleteLimitOrder", { orderId: "18995978560", exchange: "MOEX", user: order.user });
  // @ts-expect-error a limit order needs a price
  await commands.command("createLimitOrder", order);
  // @ts-expect-error checkDuplicates is always sent as true: ALOR's one-execution-per-guid depends on it
  await commands.command("createMarketOrder", { ...order, checkDuplicates: false });
  // @ts-expect-error the command socket has no subscriptions
  commands.subscribe("quotes", { code: "SBER", exchange: "MOEX" });
}

describe("ALOR streams (generated)", () => {
  it("are typed from the AsyncAPI documents (checked by tsc)", () => {
    expectTypeOf(typedUse).toBeFunction();
    expectTypeOf<Parameters<AlorDataStream["subscribe"]>[0]>().toEqualTypeOf<
      | "quotes"
      | "orderBook"
      | "bars"
      | "allTrades"
      | "instruments"
      | "positions"
      | "summaries"
      | "risks"
      | "spectraRisks"
      | "trades"
      | "orders"
      | "stopOrders"
    >();
  });

  it("send every subscription with its opcode", () => {
    const opcodes = Object.fromEntries(
      Object.entries(alorDataStreamSpec.channels).map(([name, channel]) => [name, channel.fixed.opcode]),
    );
    expect(opcodes).toEqual({
      quotes: "QuotesSubscribe",
      orderBook: "OrderBookGetAndSubscribe",
      bars: "BarsGetAndSubscribe",
      allTrades: "AllTradesGetAndSubscribe",
      instruments: "InstrumentsGetAndSubscribeV2",
      positions: "PositionsGetAndSubscribeV2",
      summaries: "SummariesGetAndSubscribeV2",
      risks: "RisksGetAndSubscribe",
      spectraRisks: "SpectraRisksGetAndSubscribe",
      trades: "TradesGetAndSubscribeV2",
      orders: "OrdersGetAndSubscribeV2",
      stopOrders: "StopOrdersGetAndSubscribeV2",
    });
  });

  it("never drop account events, and skip what a resubscribe replays", () => {
    const { channels } = alorDataStreamSpec;
    for (const name of ["orders", "stopOrders", "trades", "positions", "summaries", "risks", "spectraRisks"]) {
      const channel = channels[name];
      expect(channel?.kind === "subscription" && channel.buffer.policy, name).toBe("error");
    }
    expect(channels.orders).toMatchObject({ snapshot: true, dedupeBy: ["data.id", "data.updateTime", "data.ut"] });
    expect(channels.trades).toMatchObject({ snapshot: true, dedupeBy: ["data.id"] });
    expect(channels.quotes).toMatchObject({ buffer: { policy: "conflate", size: 1 } });
  });

  it("send each order command with its opcode and ALOR's duplicate check on", () => {
    const commands = Object.entries(alorCommandStreamSpec.channels);
    expect(commands.map(([name]) => name).sort()).toEqual(
      ["create", "update", "delete"]
        .flatMap((verb) => ["Market", "Limit", "Stop", "StopLimit"].map((kind) => `${verb}${kind}Order`))
        .sort(),
    );
    for (const [name, channel] of commands) {
      const verb = name.replace(/[A-Z].*/, "");
      const kind = name.slice(verb.length, -"Order".length);
      expect(channel, name).toEqual({
        kind: "command",
        fixed: { opcode: `${verb}:${kind.charAt(0).toLowerCase()}${kind.slice(1)}`, checkDuplicates: true },
        stateChanging: true,
      });
    }
  });

  it("open nothing until used, on the REST client's servers", async () => {
    const alor = createAlorClient({ environment: "test", credentials: { refreshToken: "unused" } });
    expect(alor.runtime.servers.ws).toBe("wss://apidev.alor.ru/ws");
    expect(alor.runtime.servers.cws).toBe("wss://apidev.alor.ru/cws");
    const data = createAlorDataStream(alor);
    const commands = createAlorCommandStream(alor);
    expect(data.stats()).toEqual({ connected: false, subscriptions: [] });
    expect(commands.stats()).toEqual({ connected: false, subscriptions: [] });
    await Promise.all([data.close(), commands.close()]);
  });
});
