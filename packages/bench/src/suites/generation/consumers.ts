/** Consumer files making typed calls with all three brokers' clients; a wrong path must not compile. */

/** Against clients generated from this project's specs (specs/alor, specs/alpaca, specs/saxo). */
export const PROJECT_CONSUMER = `import { createAlorClient } from "./packages/alor/src/index.js";
import { createTradingClient } from "./packages/alpaca/src/trading.js";
import { createSaxoClient } from "./packages/saxo/src/index.js";
const alor = createAlorClient({ environment: "test", credentials: { refreshToken: "r" } });
const trading = createTradingClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const saxo = createSaxoClient({ environment: "sim", credentials: { clientId: "c", accessToken: "t" } });
export async function use(): Promise<unknown[]> {
  const summary = await alor.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", {
    params: { path: { exchange: "MOEX", portfolio: "D12345" } },
  });
  const account = await trading.GET("/v2/account");
  const user = await saxo.GET("/port/v1/users/me");
  // @ts-expect-error unknown path
  await trading.GET("/v9/unknown");
  return [summary.data, account.data, user.data];
}
`;

/** Against clients generated from the brokers' official reference specs. */
export const REFERENCE_CONSUMER = `import { createAlorRefClient } from "./packages/alor-ref/src/index.js";
import { createTradingRefClient } from "./packages/alpaca-trading-ref/src/index.js";
import { createMarketDataRefClient } from "./packages/alpaca-data-ref/src/index.js";
import { createBrokerRefClient } from "./packages/alpaca-broker-ref/src/index.js";
import { createSaxoRefClient } from "./packages/saxo-ref/src/index.js";
const alor = createAlorRefClient({ environment: "production", credentials: { refreshToken: "r" } });
const trading = createTradingRefClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const data = createMarketDataRefClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const broker = createBrokerRefClient({ environment: "sandbox", credentials: { username: "u", password: "p" } });
const saxo = createSaxoRefClient({ environment: "sim", credentials: { accessToken: "t" } });
export async function use(): Promise<unknown[]> {
  const token = await alor.POST("/refresh", { params: { query: { token: "r" } } });
  const order = await trading.GET("/v2/orders:by_client_order_id", { params: { query: { client_order_id: "c" } } });
  const bars = await data.GET("/v2/stocks/bars", { params: { query: { symbols: "AAPL", timeframe: "1Min" } } });
  const accounts = await broker.GET("/v1/accounts", { params: { query: { query: "smith" } } });
  const me = await saxo.GET("/openapi/port/v1/accounts/me/");
  // @ts-expect-error unknown path
  await trading.GET("/v9/unknown");
  return [token.data, order.data, bars.data, accounts.data, me.data];
}
`;
