import { afterEach, describe, expect, it } from "vitest";
import { staticHeaders } from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import { RedirectError, redirects } from "../src/redirects.js";
import { type Arrival, clientOf, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const KEY_ID = "PKREDIRECT0123456789";
const SECRET_KEY = "redirect-secret-key-9f8e7d6c5b4a";
const SECRETS = [KEY_ID, SECRET_KEY, "cookie-value-31415926", "bearer-value-27182818", "custom-cred-16180339"];

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Two origins (ports): `origin` redirects, `other` records what reaches it. */
async function startPair() {
  let originUrl = "";
  const other = await startLocalServer((arrival, res) => {
    if (arrival.path === "/bounce") {
      res.writeHead(302, { location: `${originUrl}/final` });
      return res.end();
    }
    json(res, 200, { at: "other", method: arrival.method, body: arrival.body });
  });
  const origin = await startLocalServer((arrival, res) => {
    const to = (status: number, location: string) => {
      res.writeHead(status, { location });
      res.end();
    };
    const hop = /^\/hop\/(\d+)$/.exec(arrival.path);
    if (hop) return to(302, `/hop/${Number(hop[1]) + 1}`);
    switch (arrival.path) {
      case "/same":
        return to(302, "/final");
      case "/cross-307":
        return to(307, `${other.url}/landing`);
      case "/cross-302":
        return to(302, `${other.url}/landing`);
      case "/cross-then-back":
        return to(302, `${other.url}/bounce`);
      case "/see-other":
        return to(303, "/final");
      case "/moved":
        return to(301, "/final");
      case "/permanent":
        return to(308, "/final");
      default:
        return json(res, 200, { at: "origin", method: arrival.method, body: arrival.body });
    }
  });
  originUrl = origin.url;
  servers.push(other, origin);
  return { origin, other };
}

const credentialHeaders = {
  authorization: "Bearer bearer-value-27182818",
  cookie: "lb=cookie-value-31415926",
  "apca-api-key-id": KEY_ID,
  "apca-api-secret-key": SECRET_KEY,
  "x-broker-credential": "custom-cred-16180339",
  "x-trace": "trace-1",
};

function leaked(arrivals: Arrival[]): string[] {
  const everything = JSON.stringify(arrivals.map((a) => ({ headers: a.headers, body: a.body, query: [...a.query] })));
  return SECRETS.filter((secret) => everything.includes(secret));
}

describe("redirects", () => {
  it("control: Node's own redirect handling carries custom credential headers to another origin", async () => {
    const { origin, other } = await startPair();
    await fetch(`${origin.url}/cross-302`, { headers: credentialHeaders });
    // This is the leak the layer exists to stop (undici drops Authorization/Cookie, not API keys).
    expect(leaked(other.arrivals)).toContain(SECRET_KEY);
  });

  it("follows same-origin redirects with every header intact", async () => {
    const { origin } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects()]));
    const response = await fetch(`${origin.url}/same`, { headers: credentialHeaders });
    expect(await response.json()).toMatchObject({ at: "origin" });
    const final = origin.arrivals.at(-1);
    expect(final?.path).toBe("/final");
    expect(final?.headers["apca-api-secret-key"]).toBe(SECRET_KEY);
    expect(final?.headers.authorization).toBe(credentialHeaders.authorization);
    expect(final?.headers.cookie).toBe(credentialHeaders.cookie);
  });

  it("strips every credential header before following a redirect to another origin (307 keeps method and body)", async () => {
    const { origin, other } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects({ credentialHeaders: ["X-Broker-Credential"] })]));
    const response = await fetch(`${origin.url}/cross-307`, {
      method: "POST",
      headers: { ...credentialHeaders, "content-type": "application/json" },
      body: '{"qty":1}',
    });
    expect(await response.json()).toEqual({ at: "other", method: "POST", body: '{"qty":1}' });
    expect(other.arrivals).toHaveLength(1);
    expect(leaked(other.arrivals)).toEqual([]);
    expect(other.arrivals[0]?.headers["x-trace"]).toBe("trace-1");
    expect(other.arrivals[0]?.headers["content-type"]).toBe("application/json");
  });

  it("keeps credentials stripped when a cross-origin hop redirects back", async () => {
    const { origin, other } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects({ credentialHeaders: ["x-broker-credential"] })]));
    const response = await fetch(`${origin.url}/cross-then-back`, { headers: credentialHeaders });
    expect(await response.json()).toMatchObject({ at: "origin" });
    expect(origin.arrivals.map((a) => a.path)).toEqual(["/cross-then-back", "/final"]);
    expect(leaked([origin.arrivals[1] as Arrival, ...other.arrivals])).toEqual([]);
    expect(origin.arrivals[1]?.headers["x-trace"]).toBe("trace-1");
  });

  it("with the auth layer, the provider's declared headers never reach the other origin", async () => {
    const { origin, other } = await startPair();
    const provider = staticHeaders({
      headers: { "APCA-API-KEY-ID": "keyId", "APCA-API-SECRET-KEY": "secretKey" },
      credentials: { keyId: KEY_ID, secretKey: SECRET_KEY },
    });
    const fetch = clientOf(
      compose(fromFetch(), [auth(provider), redirects({ credentialHeaders: provider.headerNames })]),
    );
    expect((await fetch(`${origin.url}/cross-302`)).status).toBe(200);
    expect(origin.arrivals[0]?.headers["apca-api-secret-key"]).toBe(SECRET_KEY);
    expect(leaked(other.arrivals)).toEqual([]);
  });

  it("refuses cross-origin redirects in refuse mode", async () => {
    const { origin, other } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects({ crossOrigin: "refuse" })]));
    const error = await fetch(`${origin.url}/cross-302`, { headers: credentialHeaders }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).status).toBe(302);
    expect((error as Error).message).toContain(`to another origin (${other.url})`);
    expect(other.arrivals).toHaveLength(0);
  });

  it("303 continues as GET without a body; 301 after POST too; 308 keeps method and body", async () => {
    const { origin } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects()]));
    const post = { method: "POST", headers: { "content-type": "text/plain" }, body: "payload" };
    expect(await (await fetch(`${origin.url}/see-other`, post)).json()).toMatchObject({ method: "GET", body: "" });
    expect(origin.arrivals.at(-1)?.headers["content-type"]).toBeUndefined();
    expect(await (await fetch(`${origin.url}/moved`, post)).json()).toMatchObject({ method: "GET", body: "" });
    const put = { method: "PUT", body: "payload" };
    expect(await (await fetch(`${origin.url}/permanent`, put)).json()).toMatchObject({
      method: "PUT",
      body: "payload",
    });
    expect(await (await fetch(`${origin.url}/see-other`, { method: "DELETE" })).json()).toMatchObject({
      method: "GET",
    });
  });

  it("caps the number of hops", async () => {
    const { origin } = await startPair();
    const fetch = clientOf(compose(fromFetch(), [redirects({ max: 3 })]));
    const error = await fetch(`${origin.url}/hop/0`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toMatch(/more than 3 redirects/);
    expect(origin.arrivals).toHaveLength(4);
  });
});
