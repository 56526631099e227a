/**
 * The signature scheme as a real server checks it (node:crypto HMAC as the independent reference): the
 * query+body payload with the signature as the last query parameter (Binance's form), a template payload
 * with the signature and timestamp in headers (HMAC-SHA512, base64), a fresh timestamp per retried
 * attempt, the server's clock offset, and unsigned operations left alone.
 */
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, type SimRequest, sendJson, startServer } from "../../testing/src/server.js";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig, SignatureSchemeConfig } from "../src/config.js";

const SECRET = "test-signing-secret-0123456789";
const KEY = "test-api-key-0123456789";
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(handler: (req: SimRequest) => { status: number; body: unknown }) {
  const running = await startServer((req, res) => {
    const { status, body } = handler(req);
    sendJson(res, status, body);
  });
  servers.push(running);
  return running;
}

function config(url: string, scheme: Omit<SignatureSchemeConfig, "name" | "kind">): ApiConfig {
  return {
    broker: "test",
    api: "signed",
    environments: { local: { servers: { api: url } } },
    server: "api",
    auth: [{ name: "hmac", kind: "signature", ...scheme }],
    rateLimits: [],
    routes: [],
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    timeoutMs: 5000,
    operations: [
      ["GET", "/time"],
      ["GET", "/public"],
      ["POST", "/orders", { signed: true }],
      ["GET", "/account", { signed: true, safe: true }],
    ],
  };
}

const binanceStyle: Omit<SignatureSchemeConfig, "name" | "kind"> = {
  algorithm: "HMAC-SHA256",
  payload: "query+body",
  encoding: "hex",
  signature: { in: "query", name: "signature" },
  keyHeader: "X-API-KEY-TEST",
  timestamp: { in: "query", name: "timestamp" },
  receiveWindow: { name: "recvWindow", valueMs: 5000 },
  serverTime: { url: "{api}/time", field: "serverTime", resyncMs: 600_000 },
};

describe("signature auth", () => {
  it("signs query and body with the timestamp on the server's clock; leaves unsigned operations alone", async () => {
    const offset = 45_000;
    const seen: { query: string; body: string; ok: boolean; skewMs: number }[] = [];
    const running = await server((req) => {
      if (req.path === "/time") return { status: 200, body: { serverTime: Date.now() + offset } };
      if (req.path === "/public") return { status: 200, body: { query: req.url.search } };
      const raw = req.url.search.slice(1);
      const at = raw.lastIndexOf("&signature=");
      const expected = createHmac("sha256", SECRET)
        .update(raw.slice(0, at) + req.body)
        .digest("hex");
      const ok = raw.slice(at + "&signature=".length) === expected && req.headers["x-api-key-test"] === KEY;
      const skewMs = Date.now() + offset - Number(new URLSearchParams(raw).get("timestamp"));
      seen.push({ query: raw.slice(0, at), body: req.body, ok, skewMs });
      return { status: ok ? 200 : 401, body: {} };
    });
    const client = createBrokerClient<never>(config(running.url, binanceStyle), {
      environment: "local",
      credentials: { apiKey: KEY, secretKey: SECRET },
    });
    const signed = await client.runtime.fetch(
      new Request(`${running.url}/orders?symbol=A%20B&qty=1`, {
        method: "POST",
        body: "note=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    );
    expect(signed.status).toBe(200);
    expect(seen[0]?.ok).toBe(true);
    expect(seen[0]?.query).toMatch(/^symbol=A%20B&qty=1&recvWindow=5000&timestamp=\d+$/);
    expect(seen[0]?.body).toBe("note=x");
    // Corrected by the offset read from /time: within a second of the server's clock, not 45 s behind.
    expect(Math.abs(seen[0]?.skewMs ?? Number.NaN)).toBeLessThan(1000);
    const unsigned = await client.runtime.fetch(new Request(`${running.url}/public?x=1`));
    expect(await unsigned.json()).toEqual({ query: "?x=1" });
  });

  it("a template payload with HMAC-SHA512 in base64, signature and timestamp in headers", async () => {
    const running = await server((req) => {
      const timestamp = String(req.headers["x-ts"]);
      const payload = `${req.method}\n${req.path}\n${timestamp}\n${req.url.search.slice(1)}\n${req.body}`;
      const expected = createHmac("sha512", SECRET).update(payload).digest("base64");
      return { status: req.headers["x-sig"] === expected ? 200 : 401, body: {} };
    });
    const client = createBrokerClient<never>(
      config(running.url, {
        algorithm: "HMAC-SHA512",
        payload: "template",
        template: "{method}\n{path}\n{timestamp}\n{query}\n{body}",
        encoding: "base64",
        signature: { in: "header", name: "X-SIG" },
        keyHeader: "X-API-KEY-TEST",
        timestamp: { in: "header", name: "X-TS" },
      }),
      { environment: "local", credentials: { apiKey: KEY, secretKey: SECRET } },
    );
    const response = await client.runtime.fetch(
      new Request(`${running.url}/orders?a=1`, { method: "POST", body: '{"qty":1}' }),
    );
    expect(response.status).toBe(200);
    expect(running.arrivals[0]?.query.has("X-SIG")).toBe(false);
  });

  it("each retried attempt of a safe signed call carries a fresh timestamp and a valid signature", async () => {
    const timestamps: number[] = [];
    let calls = 0;
    const running = await server((req) => {
      if (req.path === "/time") return { status: 200, body: { serverTime: Date.now() } };
      const raw = req.url.search.slice(1);
      const at = raw.lastIndexOf("&signature=");
      const valid = raw.slice(at + 11) === createHmac("sha256", SECRET).update(raw.slice(0, at)).digest("hex");
      expect(valid).toBe(true);
      timestamps.push(Number(new URLSearchParams(raw).get("timestamp")));
      return calls++ === 0 ? { status: 503, body: {} } : { status: 200, body: {} };
    });
    const client = createBrokerClient<never>(config(running.url, binanceStyle), {
      environment: "local",
      credentials: { apiKey: KEY, secretKey: SECRET },
    });
    const response = await client.runtime.fetch(new Request(`${running.url}/account`));
    expect(response.status).toBe(200);
    expect(timestamps).toHaveLength(2);
    expect(timestamps[1]).toBeGreaterThan(timestamps[0] as number);
  });

  it("needs both credential fields, and says which is missing without a value", () => {
    expect(() =>
      createBrokerClient<never>(config("http://127.0.0.1:1", binanceStyle), {
        environment: "local",
        credentials: { apiKey: KEY },
      }),
    ).toThrow(
      /scheme "hmac" \(signature\) needs credentials\.apiKey \+ credentials\.secretKey: missing credentials\.secretKey/,
    );
  });
});
