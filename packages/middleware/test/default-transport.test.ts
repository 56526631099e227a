/**
 * The default transport on Node (undici 7's Dispatcher behind a fetch-shaped function), through the
 * fault proxy: a chunked body cut short is an error even when the answer said `Connection: close`
 * (Node 20's own fetch takes it for a whole one), and the stack turns it into a NetworkError.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../testing/src/fault-proxy.js";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { body } from "../src/body.js";
import { compose, fromFetch } from "../src/compose.js";
import { NetworkError } from "../src/errors.js";
import { RedirectError, redirects } from "../src/redirects.js";
import { createUndiciFetch, defaultFetch, undiciAvailable } from "../src/transport/undici-fetch.js";

const running: (RunningServer | FaultProxy)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A JSON document long enough that half of it is not valid JSON. */
const DOCUMENT = { items: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item ${i}` })) };

async function proxiedUpstream(): Promise<FaultProxy> {
  const upstream = await startServer((_req, res) => sendJson(res, 200, DOCUMENT));
  running.push(upstream);
  const proxy = await startFaultProxy({
    upstream: upstream.url,
    rules: [{ path: "/cut", fault: { kind: "truncated-chunked", announceClose: true } }],
  });
  running.push(proxy);
  return proxy;
}

describe("default transport on Node", () => {
  it("is one shared transport, undici's where undici is installed (it is here)", async () => {
    expect(defaultFetch()).toBe(defaultFetch());
    expect(await undiciAvailable()).toBe(true);
  });

  it("is what a client gets by default: the cut body is a NetworkError there too", async () => {
    const proxy = await proxiedUpstream();
    const handler = compose(fromFetch(defaultFetch()), [body(), redirects()]);
    await expect(handler(new Request(`${proxy.url}/cut`), { attempt: 1 })).rejects.toBeInstanceOf(NetworkError);
  });

  it("rejects a chunked body cut short on a Connection: close answer, every time", async () => {
    const proxy = await proxiedUpstream();
    const send = createUndiciFetch();
    let rejected = 0;
    for (let i = 0; i < 20; i++) {
      const response = await send(new Request(`${proxy.url}/cut`));
      expect(response.status).toBe(200);
      await response.text().then(
        () => undefined,
        () => rejected++,
      );
    }
    expect(rejected).toBe(20);
    // The same answer without the fault reads whole.
    const whole = await send(new Request(`${proxy.url}/whole`));
    expect(await whole.json()).toEqual(DOCUMENT);
  });

  it("makes the cut a NetworkError in the stack", async () => {
    const proxy = await proxiedUpstream();
    const handler = compose(fromFetch(createUndiciFetch()), [body(), redirects()]);
    await expect(handler(new Request(`${proxy.url}/cut`), { attempt: 1 })).rejects.toBeInstanceOf(NetworkError);
  });

  it("follows a redirect loop to its RedirectError, the bodies it drops raising nothing", async () => {
    // A cancelled undici body emits an error; unheard, vitest would report it as an unhandled error.
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: "/loop", "content-type": "text/plain" });
      res.end("moved ".repeat(200));
    });
    running.push(server);
    const handler = compose(fromFetch(createUndiciFetch()), [body(), redirects({ max: 3 })]);
    await expect(handler(new Request(`${server.url}/loop`), { attempt: 1 })).rejects.toBeInstanceOf(RedirectError);
    expect(server.arrivals).toHaveLength(4);
  });

  it("sends a request body whole, with its Content-Length (as fetch does for a body of known size), not chunked", async () => {
    const received: { length?: string; chunked?: string; text: string }[] = [];
    const server = await startServer((req, res) => {
      received.push({
        length: req.headers["content-length"],
        chunked: req.headers["transfer-encoding"],
        text: req.body,
      });
      sendJson(res, 200, {});
    });
    running.push(server);
    const handler = compose(fromFetch(createUndiciFetch()), [body(), redirects()]);
    const order = JSON.stringify({ symbol: "SBER", quantity: 10, side: "buy" });
    const request = new Request(`${server.url}/orders`, {
      method: "POST",
      body: order,
      headers: { "content-type": "application/json" },
    });
    expect((await handler(request, { attempt: 1 })).status).toBe(200);
    expect(received).toEqual([{ length: String(Buffer.byteLength(order)), chunked: undefined, text: order }]);
  });
});
