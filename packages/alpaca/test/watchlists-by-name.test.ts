/**
 * Watchlists addressed by name (`/v2/watchlists:by_name?name=`) through the generated Trading client against the
 * simulator: read, extend, rename, delete, and a clear 404 for a name that does not exist.
 */
import { describe, expect, it } from "vitest";
import { simulator, tradingClient } from "./support.js";

describe("watchlists by name", () => {
  it("reads, extends, renames and deletes a watchlist by its name", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: created } = await client.POST("/v2/watchlists", { body: { name: "tech", symbols: ["AAPL"] } });
    expect(created?.name).toBe("tech");

    const { data: read } = await client.GET("/v2/watchlists:by_name", { params: { query: { name: "tech" } } });
    expect(read).toMatchObject({ id: created?.id, name: "tech" });

    const { data: extended } = await client.POST("/v2/watchlists:by_name", {
      params: { query: { name: "tech" } },
      body: { symbol: "MSFT" },
    });
    expect(extended?.assets?.map((a) => a.symbol)).toEqual(["AAPL", "MSFT"]);

    const { data: renamed } = await client.PUT("/v2/watchlists:by_name", {
      params: { query: { name: "tech" } },
      body: { name: "megacaps" },
    });
    expect(renamed).toMatchObject({ id: created?.id, name: "megacaps" });

    const { response: gone } = await client.DELETE("/v2/watchlists:by_name", {
      params: { query: { name: "megacaps" } },
    });
    expect(gone.status).toBe(204);
    const { data: rest } = await client.GET("/v2/watchlists");
    expect(rest).toEqual([]);
  });

  it("answers 404 naming the watchlist when no watchlist has that name", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { response, error } = await client.GET("/v2/watchlists:by_name", { params: { query: { name: "nope" } } });
    expect(response.status).toBe(404);
    expect(JSON.stringify(error)).toContain('no watchlist named \\"nope\\"');
  });
});
