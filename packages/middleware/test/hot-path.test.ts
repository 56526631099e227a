/**
 * The fast paths of the per-call work (fewer Request copies, memoised cookies, string-matched base
 * URLs) must behave exactly like the slow paths they stand in for.
 */
import type { CookieJar } from "tough-cookie";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bearer } from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch, toFetch } from "../src/compose.js";
import { createOperationTable } from "../src/operations.js";
import { compilePattern, specificity } from "../src/pattern.js";
import { redirects } from "../src/redirects.js";
import { retry } from "../src/retry.js";
import { sticky } from "../src/sticky.js";
import { timeout } from "../src/timeout.js";
import type { Layer } from "../src/types.js";
import { clientOf, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(handler: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const server = await startLocalServer(handler);
  servers.push(server);
  return server;
}

/** A pass-through layer, so that the layer above it is not directly above the fetch adapter. */
const between: Layer = (next) => (request, context) => next(request, context);

describe("hot paths", () => {
  it("relativePath: URLs as a Request serializes them match, others are parsed like before", () => {
    const table = createOperationTable([], "http://127.0.0.1:8080/sim/openapi/");
    const parsed = (url: string) => {
      const u = new URL(url);
      if (u.origin !== "http://127.0.0.1:8080" || !u.pathname.startsWith("/sim/openapi")) return undefined;
      const rest = u.pathname.slice("/sim/openapi".length);
      return rest && !rest.startsWith("/") ? undefined : rest || "/";
    };
    const urls = [
      "http://127.0.0.1:8080/sim/openapi",
      "http://127.0.0.1:8080/sim/openapi/",
      "http://127.0.0.1:8080/sim/openapi?x=1",
      "http://127.0.0.1:8080/sim/openapi/port/v1/users/me?x=/y#z",
      "http://127.0.0.1:8080/sim/openapi/port/../ref/v1/x",
      "http://127.0.0.1:8080/sim/openapi/port/%2e%2e/ref",
      "http://127.0.0.1:8080/sim/openapi/port/a b",
      "http://127.0.0.1:8080/sim/openapi/trade/v2/orders:cancel/%7Bid%7D",
      "http://127.0.0.1:8080/sim/openapiX/port",
      "http://127.0.0.1:8081/sim/openapi/port",
      "http://127.0.0.1:80800/sim/openapi/port".replace("80800", "8080@evil"),
      "HTTP://127.0.0.1:8080/sim/openapi/port",
    ];
    for (const url of urls) {
      let expected: string | undefined;
      try {
        expected = parsed(url);
      } catch {
        expected = "throws";
      }
      let actual: string | undefined;
      try {
        actual = table.relativePath(url);
      } catch {
        actual = "throws";
      }
      expect([url, actual]).toEqual([url, expected]);
    }
  });

  it("find: a literal template wins over a parameterised one, as in the ordered list", () => {
    const table = createOperationTable(
      [
        ["GET", "/v2/orders/{order_id}"],
        ["GET", "/v2/orders/by_client"],
      ],
      "http://h",
    );
    expect(table.find("get", "/v2/orders/by_client")?.template).toBe("/v2/orders/by_client");
    expect(table.find("GET", "/v2/orders/42")?.params).toEqual({ order_id: "42" });
    const withWildcard = createOperationTable(
      [
        ["GET", "/a/b/**"],
        ["GET", "/a/b"],
      ],
      "http://h",
    );
    // `/a/b/**` has more literal characters than `/a/b` and matches it too: the ordered list decides.
    expect(withWildcard.find("GET", "/a/b")?.template).toBe("/a/b/**");
  });

  it("findByTemplate: a path made from a template gets what find gives it, or undefined (then find decides)", () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ["a", "b", "{x}", "{y}", "*", "**", "v{z}"];
    const values = ["a", "b", "c", "v1", "v"];
    let answered = 0;
    for (let round = 0; round < 40; round++) {
      const templates = new Set<string>();
      while (templates.size < 10) {
        templates.add(`/${Array.from({ length: 1 + random(4) }, () => pieces[random(pieces.length)]).join("/")}`);
      }
      const table = createOperationTable(
        [...templates].map((template) => ["GET", template] as const),
        "http://h",
      );
      for (const template of templates) {
        for (let i = 0; i < 5; i++) {
          // A path as a typed call makes it: each capture filled, `*` and `**` given one value.
          const path = template.replace(/\{[^{}]+\}|\*\*|\*/g, () => values[random(values.length)] as string);
          const hinted = table.findByTemplate("GET", template, path);
          if (hinted) answered++;
          expect([template, path, hinted?.template ?? table.find("GET", path)?.template]).toEqual([
            template,
            path,
            table.find("GET", path)?.template,
          ]);
          if (hinted) expect(hinted).toEqual(table.find("GET", path));
        }
      }
    }
    // The lookup does answer most typed calls by itself.
    expect(answered).toBeGreaterThan(100);
  });

  it("toFetch rejects, like fetch, where a layer or the input fails synchronously", async () => {
    const failing: Layer = () => () => {
      throw new TypeError("layer failed before any await");
    };
    const fetchLike = toFetch(compose(fromFetch(), [failing]));
    let threw = false;
    let pending: Promise<Response> | undefined;
    try {
      pending = fetchLike(new Request("http://127.0.0.1:9/x"));
    } catch {
      threw = true;
    }
    expect(threw).toBe(false);
    await expect(pending).rejects.toThrow("layer failed before any await");
    // An init that makes no valid Request (a method with a newline) fails as a rejection too.
    const bad = toFetch(compose(fromFetch(), []))(new Request("http://127.0.0.1:9/x"), { method: "GE\nT" });
    await expect(bad).rejects.toBeInstanceOf(TypeError);
  });

  it("find: trying only the templates with the path's segment count (and `**` ones), plain segments compared first, picks what the ordered list picks", () => {
    // Every template of a random table, in the same specificity order, first match wins: the reference.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ["a", "b", "{x}", "*", "**", "v{y}"];
    const literal = ["a", "b", "c", "v1", "v"];
    for (let round = 0; round < 40; round++) {
      const templates = new Set<string>();
      while (templates.size < 12) {
        const length = 1 + random(4);
        templates.add(`/${Array.from({ length }, () => pieces[random(pieces.length)]).join("/")}`);
      }
      const entries = [...templates].map((template) => ["GET", template] as const);
      const table = createOperationTable(entries, "http://h");
      const ordered = [...entries].sort((a, b) => specificity(b[1]) - specificity(a[1]));
      for (let i = 0; i < 30; i++) {
        const path = `/${Array.from({ length: 1 + random(5) }, () => literal[random(literal.length)]).join("/")}`;
        const expected = ordered.find(([, template]) => compilePattern(template)(path))?.[1];
        expect([path, table.find("GET", path)?.template]).toEqual([path, expected]);
      }
    }
  });

  it("sticky under a retry that resends its request: the caller's Cookie is kept once, the jar's added once", async () => {
    let failures = 1;
    const server = await start((arrival, res) => {
      if (arrival.path.endsWith("/isalive")) return json(res, 200, "OK", { "set-cookie": "lb=n1; Path=/" });
      if (failures-- > 0) return json(res, 503, {});
      json(res, 200, {});
    });
    const base = `${server.url}/api`;
    const layer = sticky({
      rule: { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [] },
      baseUrl: base,
    });
    // retry below auth resends auth's own (disposable) copy, on which sticky set Cookie in place.
    const fetch = clientOf(
      compose(fromFetch(), [auth(bearer({ accessToken: "t-0123456789" })), retry({ baseDelayMs: 1 }), layer]),
    );
    expect((await fetch(`${base}/port/v1/x`, { headers: { cookie: "mine=1" } })).status).toBe(200);
    const calls = server.arrivals.filter((a) => !a.path.endsWith("/isalive"));
    expect(calls.map((a) => a.headers.cookie)).toEqual(["mine=1; lb=n1", "mine=1; lb=n1"]);
  });

  it("sticky: once the jar is shared, a cookie set from outside is sent with the next call", async () => {
    const server = await start((arrival, res) => {
      if (arrival.path.endsWith("/isalive")) return json(res, 200, "OK", { "set-cookie": "lb=n1; Path=/" });
      json(res, 200, {});
    });
    const base = `${server.url}/api`;
    const layer = sticky({
      rule: { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [] },
      baseUrl: base,
    });
    const fetch = clientOf(compose(fromFetch(), [layer]));
    await fetch(`${base}/port/v1/x`);
    await ((await layer.jar()) as CookieJar).setCookie("stream=s1; Path=/", `${base}/port`);
    await fetch(`${base}/port/v1/x`);
    expect(server.arrivals.at(-1)?.headers.cookie).toBe("lb=n1; stream=s1");
  });

  it("redirects not directly above the fetch adapter still follow by hand and strip credentials", async () => {
    const other = await start((_arrival, res) => json(res, 200, { at: "other" }));
    const origin = await start((arrival, res) => {
      if (arrival.path === "/go") {
        res.writeHead(302, { location: `${other.url}/landing` });
        return res.end();
      }
      json(res, 200, {});
    });
    const fetch = clientOf(compose(fromFetch(), [redirects(), between]));
    const response = await fetch(`${origin.url}/go`, { headers: { authorization: "Bearer secret-0123456789" } });
    expect(await response.json()).toEqual({ at: "other" });
    expect(other.arrivals[0]?.headers.authorization).toBeUndefined();
    expect(origin.arrivals[0]?.headers.authorization).toBe("Bearer secret-0123456789");
  });
  // The auth layer's copy does not follow the caller's signal; the signal travels in context.signal.
  describe("a caller abort still ends a call in flight below auth", () => {
    const stacks: [string, Layer[]][] = [
      ["auth directly above fetch", [auth(bearer({ accessToken: "t-0123456789" }))]],
      [
        "auth, timeout, redirects",
        [auth(bearer({ accessToken: "t-0123456789" })), timeout({ timeoutMs: 5000 }), redirects()],
      ],
      ["auth, a layer between, redirects", [auth(bearer({ accessToken: "t-0123456789" })), between, redirects()]],
    ];
    for (const [name, layers] of stacks) {
      it(`${name}: rejects with the caller's reason, also after a same-origin redirect`, async () => {
        let answered = 0;
        const server = await start((arrival, res) => {
          if (arrival.path === "/hop") {
            res.writeHead(307, { location: "/hang" });
            return res.end();
          }
          // Never answers on its own: only the caller's abort can end the call.
          res.on("close", () => answered++);
        });
        const fetch = clientOf(compose(fromFetch(), layers));
        for (const path of ["/hang", "/hop"]) {
          const controller = new AbortController();
          const reason = new Error(`caller gave up on ${path}`);
          const pending = fetch(`${server.url}${path}`, { signal: controller.signal });
          // Abort once the request that hangs has reached the server (after the redirect, for /hop).
          const hanging = server.arrivals.filter((a) => a.path === "/hang").length + 1;
          await vi.waitFor(() => expect(server.arrivals.filter((a) => a.path === "/hang").length).toBe(hanging), {
            timeout: 5_000,
            interval: 5,
          });
          controller.abort(reason);
          await expect(pending).rejects.toBe(reason);
        }
        expect(server.arrivals.map((a) => a.path)).toEqual(["/hang", "/hop", "/hang"]);
        expect(server.arrivals.every((a) => a.headers.authorization === "Bearer t-0123456789")).toBe(true);
        // The aborted connections were closed by the client, not left open.
        await vi.waitFor(() => expect(answered).toBe(2), { timeout: 5_000, interval: 5 });
        expect(answered).toBe(2);
      });
    }
  });
});
