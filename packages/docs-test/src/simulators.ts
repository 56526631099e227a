/**
 * The servers the README examples run against: the ALOR, Alpaca and Saxo simulators and a
 * redis-server, all on 127.0.0.1, and the environment variables the READMEs document for pointing
 * an example at them (credentials and base URLs).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createAlorClient, unwrap } from "@brokerkit/alor";
import type { AlorSimulator } from "@brokerkit/testing/alor/index";
import { startAlorSimulator } from "@brokerkit/testing/alor/index";
import { startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { alorEnvironment, alpacaEnvironment, saxoEnvironment } from "@brokerkit/testing/example-environment";
import { startSaxoSimulator } from "@brokerkit/testing/saxo/index";
// The redis package's own launcher (a real redis-server on a free port, no persistence).
import { startRedisServer } from "../../redis/test/support/redis-server.js";

export interface ExampleServers {
  /** The environment of one example: a fresh Saxo session each time, because Saxo rotates refresh tokens. */
  environment(): Record<string, string>;
  close(): Promise<void>;
}

export async function startExampleServers(): Promise<ExampleServers> {
  const [alor, alpaca, saxo, redis] = await Promise.all([
    startAlorSimulator(),
    startAlpacaSimulator(),
    startSaxoSimulator(),
    startRedisServer(),
  ]);
  await seedAlorAccount(alor);
  const shared = {
    ...alorEnvironment(alor),
    ...alpacaEnvironment(alpaca),
    REDIS_URL: redis.url,
    BROKERKIT_TOKEN_KEY: randomBytes(32).toString("base64"),
  };
  return {
    environment: () => ({ ...shared, ...saxoEnvironment(saxo) }),
    close: async () => {
      await Promise.all([alor.close(), alpaca.close(), saxo.close(), redis.close()]);
    },
  };
}

/**
 * Gives the ALOR portfolio what a trader's account has before the examples read it: a working limit
 * order and a stop order (the examples that list orders then read one of them back).
 */
async function seedAlorAccount(sim: AlorSimulator): Promise<void> {
  const alor = createAlorClient({
    environment: "test",
    credentials: { refreshToken: sim.refreshToken },
    servers: { api: sim.url, oauth: sim.url },
  });
  const ticket = {
    side: "buy",
    quantity: 1,
    instrument: { symbol: "SBER", exchange: "MOEX" },
    user: { portfolio: sim.user.portfolios[0] as string },
    allowMargin: false,
  } as const;
  const actions = "/commandapi/warptrans/TRADE/v2/client/orders/actions";
  const header = () => ({ header: { "X-REQID": randomUUID() } });
  await unwrap(alor.POST(`${actions}/limit`, { params: header(), body: { ...ticket, price: 290 } }));
  await unwrap(
    alor.POST(`${actions}/stop`, {
      params: header(),
      body: { ...ticket, side: "sell", condition: "less", triggerPrice: 280, activate: true },
    }),
  );
}
