/** Typed calls to four Saxo services (port, root, trade, ref) and to two ALOR routes, one cached. */
import type { AlorPaths } from "@brokerkit/alor";
import type { BrokerClient } from "@brokerkit/middleware";
import type { SaxoPaths } from "@brokerkit/saxo";

export const SAXO_SERVICES = ["port", "root", "trade", "ref"] as const;

function check(what: string, result: { error?: unknown; response: Response }): void {
  if (result.error !== undefined || !result.response.ok) {
    throw new Error(`${what}: answered ${result.response.status}`);
  }
}

/** Call number `i` goes to service `SAXO_SERVICES[i % 4]`. */
export async function saxoCall(client: BrokerClient<SaxoPaths>, i: number): Promise<void> {
  switch (i % 4) {
    case 0:
      return check("Saxo GET /port/v1/users/me", await client.GET("/port/v1/users/me"));
    case 1:
      return check("Saxo GET /root/v1/sessions/capabilities", await client.GET("/root/v1/sessions/capabilities"));
    case 2:
      return check(
        "Saxo GET /trade/v1/infoprices",
        await client.GET("/trade/v1/infoprices", { params: { query: { Uic: 21 + (i % 50), AssetType: "FxSpot" } } }),
      );
    default:
      return check("Saxo GET /ref/v1/instruments", await client.GET("/ref/v1/instruments"));
  }
}

/** Even calls: a portfolio summary (never cached); odd calls: one of 2,000 securities (a cached route). */
export async function alorCall(client: BrokerClient<AlorPaths>, i: number): Promise<void> {
  if (i % 2 === 0) {
    return check(
      "ALOR GET /md/v2/Clients/{exchange}/{portfolio}/summary",
      await client.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", {
        params: { path: { exchange: "MOEX", portfolio: "D12345" } },
      }),
    );
  }
  return check(
    "ALOR GET /md/v2/Securities/{exchange}/{symbol}",
    await client.GET("/md/v2/Securities/{exchange}/{symbol}", {
      params: { path: { exchange: "MOEX", symbol: `S${Math.floor(i / 2) % 2000}` } },
    }),
  );
}
