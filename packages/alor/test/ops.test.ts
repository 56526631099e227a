/**
 * ALOR's operation-named calls against the simulator: path and query parameters merged into one object
 * (`alor.ops.getOrderBook({ exchange, symbol })`), header parameters too (`X-REQID`), and the body under
 * `body`; the same answers as the path calls. The error classes come from this package.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HttpError, unwrap } from "../src/index.js";
import { clientFor, simulator } from "./support.js";

describe("ops facade", () => {
  it("getOrderBook({ exchange, symbol, depth }) answers as GET /md/v2/orderbooks/{exchange}/{symbol} does", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const viaOps = await unwrap(client.ops.getOrderBook({ exchange: "MOEX", symbol: "SBER", depth: 5 }));
    const viaPath = await unwrap(
      client.GET("/md/v2/orderbooks/{exchange}/{symbol}", {
        params: { path: { exchange: "MOEX", symbol: "SBER" }, query: { depth: 5 } },
      }),
    );
    // Both reached the server as the same request; the books differ only in their timestamps.
    expect(Object.keys(viaOps as object).sort()).toEqual(Object.keys(viaPath as object).sort());
    expect((viaOps as { bids?: unknown[] }).bids?.length).toBeLessThanOrEqual(5);
    const [byOps, byPath] = sim.arrivals.filter((a) => a.path === "/md/v2/orderbooks/MOEX/SBER");
    expect(byOps?.query.get("depth")).toBe("5");
    expect(byOps?.query.toString()).toBe(byPath?.query.toString());
  });

  it("sends a header parameter given as a key (X-REQID) and the body", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const requestId = randomUUID();
    const placed = await unwrap(
      client.ops.placeLimitOrder({
        "X-REQID": requestId,
        body: {
          side: "buy",
          quantity: 1,
          price: 290,
          instrument: { symbol: "SBER", exchange: "MOEX" },
          user: { portfolio: sim.user.portfolios[0] as string },
        },
      }),
    );
    expect(placed).toMatchObject({ orderNumber: expect.any(String) });
    const arrival = sim.arrivals.find((a) => a.path.endsWith("/orders/actions/limit"));
    expect(arrival?.headers["x-reqid"]).toBe(requestId);
  });

  it("throwOnError: a refused call throws HttpError imported from @brokerkit/alor", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { throwOnError: true });
    await expect(client.ops.getOrderBook({ exchange: "MOEX", symbol: "NO_SUCH_SYMBOL" })).rejects.toBeInstanceOf(
      HttpError,
    );
  });
});
