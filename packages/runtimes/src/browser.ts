/**
 * The Chromium cells: Debian's /usr/bin/chromium, headless, driven by playwright-core (no browser
 * download). A small page server on 127.0.0.1 serves the esbuild browser bundle of
 * clients/browser.mjs at / and at /callback (where Saxo's login redirects back); the simulators
 * are other origins, reached through their opt-in CORS.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { bundle, type Outcome } from "./cells.js";
import { CHROMIUM } from "./runtimes.js";

const PAGE = `<!doctype html><meta charset="utf-8"><title>brokerkit matrix</title><script type="module" src="/bundle.js"></script>`;

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const script = readFileSync(await bundle("browser.mjs", "browser/bundle.js", ["browser"]));
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/bundle.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else if (path === "/" || path === "/callback") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

/** Opens the page for one broker in a fresh context (its own cookies and storage) and reads the outcome. */
export async function runInChromium(
  browser: Browser,
  origin: string,
  broker: string,
  config: unknown,
): Promise<Outcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const query = new URLSearchParams({ broker, config: JSON.stringify(config) });
    await page.goto(`${origin}/?${query}`);
    try {
      await page.waitForFunction(() => (window as { __outcome?: unknown }).__outcome !== undefined, null, {
        timeout: 60_000,
      });
    } catch (error) {
      return { ok: false, error: `no outcome (${String(error).slice(0, 200)}); page errors: ${errors.join("; ")}` };
    }
    return (await page.evaluate(() => (window as { __outcome?: unknown }).__outcome)) as Outcome;
  } finally {
    await context.close();
  }
}
