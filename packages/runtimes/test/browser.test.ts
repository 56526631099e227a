/**
 * Browser specifics, in Debian's Chromium: a network failure is brokerkit's NetworkError (not
 * fetch's TypeError); Saxo's stickiness works with the browser's own cookie jar (the page can
 * neither read Set-Cookie nor send Cookie); the simulators' opt-in CORS answers preflights.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PageServer, runInChromium, startPageServer } from "../src/browser.js";
import { freePort } from "../src/cells.js";
import { type Simulators, startSimulators } from "../src/simulators.js";

let page: PageServer;
let sims: Simulators;
let browser: Browser;

beforeAll(async () => {
  page = await startPageServer();
  sims = await startSimulators(page.origin);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sims?.close();
  await page?.close();
});

describe("Chromium", () => {
  it("a call to a port nothing listens on rejects with brokerkit's NetworkError", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const outcome = await runInChromium(browser, page.origin, "network-error", { url });
    expect(outcome).toEqual({
      ok: true,
      summary: expect.stringMatching(/^NetworkError: GET http:\/\/127\.0\.0\.1:\d+\/v2\/account/),
    });
  });

  it("Saxo: PKCE login by redirect, then sticky calls through the browser's cookie jar", async () => {
    const probesBefore = sims.saxo.probes.length;
    const outcome = await runInChromium(browser, page.origin, "saxo", sims.config);
    expect(outcome).toEqual({ ok: true, summary: "login, accounts, instrument, price" });
    // One isalive probe per service used (port, ref, trade), each pinning a server; every call then
    // reached the server its cookie named, though the page never saw a cookie.
    expect(sims.saxo.probes.length - probesBefore).toBe(3);
    expect(sims.saxo.counters.wrongBackend).toBe(0);
  });

  it("the simulators answer preflights, allow credentials and expose the rate-limit headers", async () => {
    const preflight = await fetch(`${sims.alpaca.url}/v2/account`, {
      method: "OPTIONS",
      headers: {
        origin: page.origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "apca-api-key-id, apca-api-secret-key",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(page.origin);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("apca-api-key-id, apca-api-secret-key");
    const answer = await fetch(`${sims.alpaca.url}/v2/clock`, { headers: { origin: page.origin } });
    expect(answer.headers.get("access-control-expose-headers")).toContain("x-ratelimit-remaining");
    const foreign = await fetch(`${sims.alpaca.url}/v2/clock`, { headers: { origin: "http://elsewhere.invalid" } });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });
});
