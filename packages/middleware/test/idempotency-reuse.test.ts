/**
 * Keys the broker rejects on reuse (`reuse: "rejected"`, Alpaca's client_order_id): the retry layer must not
 * replay a call that may have arrived, because the replay would be refused even when the first attempt took
 * effect. Only a 429 (proof that nothing was processed) is replayed; the ambiguous error carries the key.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { dropConnection, type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import type { IdempotencyRule } from "../src/config.js";
import { AmbiguousOutcomeError } from "../src/errors.js";
import { idempotency } from "../src/idempotency.js";
import { retry } from "../src/retry.js";
import type { CallContext } from "../src/types.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(answer: (n: number, res: ServerResponse) => void): Promise<RunningServer> {
  let n = 0;
  const running = await startServer((_req, res) => answer(n++, res));
  servers.push(running);
  return running;
}

const rejecting: IdempotencyRule = {
  bodyField: "client_order_id",
  methods: ["POST"],
  paths: ["/v2/orders"],
  reuse: "rejected",
};
const deduplicating: IdempotencyRule = { ...rejecting, reuse: "deduplicated" };

function post(rule: IdempotencyRule, url: string) {
  const handler = compose(fromFetch(), [idempotency(rule), retry({ attempts: 3, baseDelayMs: 5, maxDelayMs: 20 })]);
  const context: CallContext = { attempt: 1 };
  const request = new Request(`${url}/v2/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ symbol: "AAPL", qty: "1" }),
  });
  return { context, result: handler(request, context) };
}

describe("idempotency keys the broker rejects on reuse", () => {
  it("does not replay a call whose response was lost, and names the key to reconcile with", async () => {
    const running = await server((_n, res) => dropConnection(res));
    const { context, result } = post(rejecting, running.url);
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as AmbiguousOutcomeError).idempotencyKey).toBe(context.idempotencyKey);
    expect(context.idempotencyKeyReuse).toBe("rejected");
    expect((error as Error).message).toContain(context.idempotencyKey as string);
    expect(running.arrivals).toHaveLength(1);
  });

  it("returns a 5xx as is instead of replaying it", async () => {
    const running = await server((_n, res) => sendJson(res, 503, { message: "busy" }));
    const response = await post(rejecting, running.url).result;
    expect(response.status).toBe(503);
    expect(running.arrivals).toHaveLength(1);
  });

  it("still replays after a 429, which proves the call was not processed", async () => {
    const running = await server((n, res) =>
      n === 0 ? sendJson(res, 429, { message: "slow down" }, { "retry-after": "0" }) : sendJson(res, 200, {}),
    );
    const response = await post(rejecting, running.url).result;
    expect(response.status).toBe(200);
    expect(running.arrivals).toHaveLength(2);
  });

  it("keeps replaying keys the broker deduplicates (the default)", async () => {
    const running = await server((n, res) => (n === 0 ? dropConnection(res) : sendJson(res, 200, {})));
    const response = await post(deduplicating, running.url).result;
    expect(response.status).toBe(200);
    expect(running.arrivals).toHaveLength(2);
  });
});
