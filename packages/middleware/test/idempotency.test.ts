/**
 * Idempotency keys as the server receives them: in a header or a JSON body field, generated once
 * per logical call, kept when the caller supplied one, and identical on every retried attempt.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  dropConnection,
  type RunningServer,
  type SimRequest,
  sendJson,
  startServer,
} from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import type { IdempotencyRule } from "../src/config.js";
import { AmbiguousOutcomeError } from "../src/errors.js";
import { idempotency } from "../src/idempotency.js";
import { retry } from "../src/retry.js";
import type { CallContext, Layer } from "../src/types.js";

const servers: RunningServer[] = [];
const bodies: string[] = [];
afterEach(async () => {
  bodies.length = 0;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(
  answer: (n: number, req: SimRequest, res: ServerResponse) => void = (_, __, res) => sendJson(res, 201, {}),
) {
  let n = 0;
  const running = await startServer((req, res) => {
    bodies.push(req.body);
    answer(n++, req, res);
  });
  servers.push(running);
  return running;
}

function send(layers: Layer[], url: string, init: RequestInit = {}) {
  const context: CallContext = { attempt: 1 };
  const handler = compose(fromFetch(), layers);
  return handler(new Request(url, init), context).then((response) => ({ response, context }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const alor: IdempotencyRule = { header: "X-REQID", methods: ["POST", "PUT", "DELETE"] };
const alpaca: IdempotencyRule = { bodyField: "client_order_id", methods: ["POST"], paths: ["/v2/orders"] };

describe("idempotency", () => {
  it("adds a generated key in the header and records it in the context", async () => {
    const running = await server();
    const { context } = await send([idempotency(alor)], `${running.url}/commands/api/v2/client/orders/actions/limit`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    const sent = running.arrivals[0]?.headers["x-reqid"];
    expect(sent).toMatch(UUID);
    expect(context.idempotencyKey).toBe(sent);
    expect(bodies).toEqual(["{}"]);
  });

  it("adds the key to the JSON body, leaving the caller's text as written", async () => {
    const running = await server();
    const body = '{"symbol":"AAPL","qty":12345678901234567890,"side":"buy"}';
    const { context } = await send([idempotency(alpaca)], `${running.url}/v2/orders`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(context.idempotencyKey).toMatch(UUID);
    expect(bodies[0]).toBe(
      `{"symbol":"AAPL","qty":12345678901234567890,"side":"buy","client_order_id":"${context.idempotencyKey}"}`,
    );
  });

  it("keeps a key the caller supplied, in the header or in the body", async () => {
    const running = await server();
    const viaHeader = await send([idempotency(alor)], `${running.url}/orders`, {
      method: "POST",
      headers: { "X-REQID": "mine-1" },
      body: "{}",
    });
    expect(viaHeader.context.idempotencyKey).toBe("mine-1");
    expect(running.arrivals[0]?.headers["x-reqid"]).toBe("mine-1");
    const viaBody = await send([idempotency(alpaca)], `${running.url}/v2/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbol: "AAPL", client_order_id: "mine-2" }),
    });
    expect(viaBody.context.idempotencyKey).toBe("mine-2");
    expect(JSON.parse(bodies[1] as string)).toEqual({ symbol: "AAPL", client_order_id: "mine-2" });
  });

  it("leaves other methods and other paths untouched", async () => {
    const running = await server((_, __, res) => sendJson(res, 200, {}));
    const get = await send([idempotency(alor)], `${running.url}/orders`);
    expect(get.context.idempotencyKey).toBeUndefined();
    expect(running.arrivals[0]?.headers["x-reqid"]).toBeUndefined();
    const otherPath = await send([idempotency(alpaca)], `${running.url}/v2/positions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(otherPath.context.idempotencyKey).toBeUndefined();
    expect(bodies[1]).toBe('{"a":1}');
  });

  it("uses the custom generator", async () => {
    const running = await server();
    const { context } = await send([idempotency(alor, { generate: () => "fixed-key" })], `${running.url}/x`, {
      method: "DELETE",
    });
    expect(context.idempotencyKey).toBe("fixed-key");
    expect(running.arrivals[0]?.headers["x-reqid"]).toBe("fixed-key");
  });

  it("with retry beneath, every attempt carries the same header key", async () => {
    const running = await server((n, _, res) =>
      n === 0 ? dropConnection(res) : n === 1 ? sendJson(res, 503, {}) : sendJson(res, 201, {}),
    );
    const { response, context } = await send([idempotency(alor), retry({ baseDelayMs: 10 })], `${running.url}/orders`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(201);
    const keys = running.arrivals.map((a) => a.headers["x-reqid"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys)).toEqual(new Set([context.idempotencyKey]));
  });

  it("with retry beneath, every attempt carries the same body key", async () => {
    const running = await server((n, _, res) => (n === 0 ? dropConnection(res) : sendJson(res, 200, {})));
    const { response, context } = await send(
      [idempotency(alpaca), retry({ baseDelayMs: 10 })],
      `${running.url}/v2/orders`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"symbol":"AAPL"}',
      },
    );
    expect(response.status).toBe(200);
    expect(bodies.map((b) => JSON.parse(b).client_order_id)).toEqual([context.idempotencyKey, context.idempotencyKey]);
  });

  it("records no key when the body cannot carry it, so retry never replays that POST", async () => {
    const running = await server((_, __, res) => dropConnection(res));
    const attempt = send([idempotency(alpaca), retry({ baseDelayMs: 10 })], `${running.url}/v2/orders`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "symbol=AAPL",
    });
    await expect(attempt).rejects.toBeInstanceOf(AmbiguousOutcomeError);
    expect(bodies).toEqual(["symbol=AAPL"]);
  });
});
