/**
 * A misbehaving ALOR that echoes the caller's JWT (and its Authorization header) in a 400 message
 * longer than the 300 characters `unwrap` quotes. Neither the JWT nor any 16-character fragment of it
 * may reach the error in any printable form: the message is redacted before it is shortened.
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { HttpError } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { signJwt } from "../../testing/src/jwt.js";
import { type RunningServer, type SimRequest, sendJson, startServer } from "../../testing/src/server.js";
import { createAlorClient, unwrap } from "../src/index.js";

const PORTFOLIO = "D39004";
const REFRESH_TOKEN = `rt-${randomUUID()}`;
const FRAGMENT = 16;

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Issues real-looking JWTs on POST /refresh and answers every command with `reject(jwt, req)` as a 400. */
async function echoingAlor(reject: (jwt: string, req: SimRequest) => Record<string, unknown>) {
  const issued: string[] = [];
  const server = await startServer((req, res) => {
    if (req.path === "/refresh") {
      const jwt = signJwt(
        {
          sub: "P063904",
          portfolios: "D39004 G12345 750009HT",
          scope: "OrdersRead OrdersCreate Trades Personal Stats",
          exp: Math.floor(Date.now() / 1000) + 1800,
        },
        "simulator-signing-key",
      );
      issued.push(jwt);
      sendJson(res, 200, { AccessToken: jwt });
      return;
    }
    const bearer = String(req.headers.authorization ?? "");
    sendJson(res, 400, reject(bearer.replace(/^Bearer /, ""), req));
  });
  servers.push(server);
  return { url: server.url, issued };
}

function placeLimit(url: string) {
  const client = createAlorClient({
    environment: "test",
    credentials: { refreshToken: REFRESH_TOKEN },
    servers: { api: url, oauth: url },
  });
  return unwrap(
    client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
      params: { header: { "X-REQID": randomUUID() } },
      body: {
        side: "buy",
        quantity: 1,
        price: 250,
        instrument: { symbol: "SBER", exchange: "MOEX", instrumentGroup: "TQBR" },
        user: { portfolio: PORTFOLIO },
        allowMargin: false,
      },
    }),
  );
}

async function rejection(call: Promise<unknown>): Promise<HttpError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

function printableForms(error: Error): Record<string, string> {
  return {
    message: error.message,
    stack: error.stack ?? "",
    string: String(error),
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: 10, showHidden: true }),
  };
}

/** Neither `secret` nor any 16-character piece of it appears in any printable form of `error`. */
function expectNoTrace(error: Error, secret: string) {
  expect(secret.length).toBeGreaterThanOrEqual(FRAGMENT);
  for (const [form, text] of Object.entries(printableForms(error))) {
    for (let start = 0; start + FRAGMENT <= secret.length; start++) {
      const piece = secret.slice(start, start + FRAGMENT);
      expect(text.includes(piece), `${form} holds "${piece}" (characters ${start}…) of the secret`).toBe(false);
    }
  }
}

/** Filler that pushes what follows across the 300-character cut, as a chatty server would. */
const padding = (length: number) => "order rejected by the risk engine; ".repeat(20).slice(0, length);

describe("ALOR errors never carry the JWT, whole or in part", () => {
  it("a JWT echoed across the 300-character cut leaves no fragment in the error", async () => {
    const alor = await echoingAlor((jwt) => ({
      message: `${padding(260)} token ${jwt} is not allowed for portfolio ${PORTFOLIO}`,
    }));
    const error = await rejection(placeLimit(alor.url));
    const [jwt] = alor.issued;
    expect(jwt).toBeDefined();
    expect(error.status).toBe(400);
    // The message quotes ALOR's reason, still shortened, and says where the JWT was.
    expect(error.message).toContain("ALOR answered 400");
    expect(error.message).toContain("order rejected by the risk engine");
    expectNoTrace(error, jwt as string);
    expect(error.message).toContain("[REDACTED]");
  });

  it("an echoed Authorization header is masked, even when the token in it was never registered", async () => {
    const foreign = randomUUID().replaceAll("-", "");
    const alor = await echoingAlor((jwt) => ({
      message:
        `proxy said Proxy-Authorization: Basic ${Buffer.from(`svc:${foreign}`).toString("base64")}; ` +
        `retry with Authorization: Bearer ${foreign} or authorization=Bearer ${foreign}; ` +
        `request {"headers": {"Authorization": "Bearer ${jwt}"}}`,
    }));
    const error = await rejection(placeLimit(alor.url));
    const [jwt] = alor.issued;
    expectNoTrace(error, jwt as string);
    expectNoTrace(error, foreign);
    // The echo stays readable: it says which header was there.
    expect(error.message).toContain("Proxy-Authorization: [REDACTED]");
  });
});
