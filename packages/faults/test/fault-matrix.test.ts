/**
 * The fault matrix: each generated client (ALOR, Alpaca trading, Saxo) driven through the fault proxy,
 * one fault per row, a safe GET and an order POST per broker (token rows: the GET, whose token exchange
 * is the target). Every row asserts that each call
 *   (a) settles within its stated bound (bounds.ts: attempts × deadline + backoffs + token exchange + slack),
 *   (b) succeeds or throws a BrokerkitError, and the one the row expects,
 *   (c) leaks no secret, nor a 16-character fragment of one, through the error or any observer event,
 *   (d) never creates one logical order twice (the simulator's orders, per marker),
 *   (e) sends no credential to the attacker's origin.
 * What each call ended with is also written to .tmp/fault-matrix.json, for reading the failures.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import type { MiddlewareEvent } from "@brokerkit/middleware";
import type { Fault } from "@brokerkit/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { TUNING } from "../src/bounds.js";
import { type BrokerName, brokerCalls, type CallKind, callBound, PATHS } from "../src/clients.js";
import { loopMarginMs, watchLoopDelay } from "../src/loop-delay.js";
import { errorSurfaces, eventSurfaces, findLeaks, indexSecrets } from "../src/secrets.js";
import { describeOutcome, missingErrorClasses, outcomeIsOneOf, type Settled, settleWithin } from "../src/settle.js";
import { credentialsAtAttacker, duplicateOrders, startRig, statusAnswer } from "./support.js";

interface Row {
  name: string;
  /** `api`: the call's own request; `token`: the token exchange in front of it (ALOR and Saxo). */
  target: "api" | "token";
  kinds: CallKind[];
  fault(kind: CallKind): Fault;
  /** Inject into this many matching requests only; every one by default. */
  times?: number;
  /** Outcomes allowed per call kind: "success" or middleware error class names. */
  expect: Partial<Record<CallKind, string[]>>;
  /** Calls made one after the other on the same client; later ones must end as `followUp`. */
  repeat?: number;
  followUp?: string[];
  /** Time the fault legitimately adds (throttle pauses it asks for). */
  extraMs?: number;
  /** A GET replayed after this fault must wait at least this long (its Retry-After). */
  retryAfterMs?: number;
  /** Replays of the faulted request must be at least this far apart (backoff is never skipped). */
  minReplayGapMs?: number;
  /** Most requests the faulted GET may cause on its path (one per attempt). */
  maxFaultedGets?: number;
  /** Most token exchanges over all the row's calls. */
  maxTokenExchanges?: number;
  /** Exact number of `token.clockSkew` events over all the row's calls. */
  clockSkewEvents?: number;
}

const BOTH: CallKind[] = ["get", "order"];
/** Order calls that may reach the broker and lose their answer: Alpaca's submitOrder may settle them by lookup. */
const LOST_ORDER = ["success", "AmbiguousOutcomeError", "NetworkError"];
const STALLED_ORDER = ["success", "AmbiguousOutcomeError", "TimeoutError", "NetworkError"];
const LIMITED = ["success", "RateLimitError"];
/** Throttle pauses a 429 may impose before the later attempts (default pause 1 s each, or the Retry-After). */
const PAUSES_MS = TUNING.attempts * 2_000;

const ROWS: Row[] = [
  {
    name: "connection reset before the response",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "reset-before-response" }),
    expect: { get: ["NetworkError"], order: LOST_ORDER },
  },
  {
    name: "connection reset mid-body",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "reset-mid-body" }),
    expect: { get: ["NetworkError"], order: LOST_ORDER },
  },
  {
    name: "truncated chunked body",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "truncated-chunked" }),
    expect: { get: ["NetworkError"], order: LOST_ORDER },
  },
  {
    // Node 20's own fetch (undici 6) ends a cut chunked body at the socket's close as if it were whole when
    // the answer said `Connection: close`. The clients' default transport on Node (undici 7's Dispatcher)
    // rejects it, so the cut is a NetworkError on every Node version.
    name: "truncated chunked body on a Connection: close answer",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "truncated-chunked", announceClose: true }),
    expect: { get: ["NetworkError"], order: LOST_ORDER },
  },
  {
    name: "truncated Content-Length body",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "truncated-length" }),
    expect: { get: ["NetworkError"], order: LOST_ORDER },
  },
  {
    name: "stalled headers",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "stall-headers" }),
    expect: { get: ["TimeoutError", "NetworkError"], order: STALLED_ORDER },
  },
  {
    name: "stalled body",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "stall-body" }),
    expect: { get: ["TimeoutError", "NetworkError"], order: STALLED_ORDER },
  },
  {
    name: "stalled body mislabelled text/event-stream",
    target: "api",
    kinds: ["get"],
    fault: () => ({ kind: "stall-body", contentType: "text/event-stream" }),
    expect: { get: ["TimeoutError", "NetworkError"] },
  },
  {
    name: "502 without Retry-After",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(502),
    expect: { get: ["HttpError"], order: ["HttpError", "AmbiguousOutcomeError"] },
    maxFaultedGets: TUNING.attempts,
  },
  {
    name: "503 without Retry-After",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(503),
    expect: { get: ["HttpError"], order: ["HttpError", "AmbiguousOutcomeError"] },
    maxFaultedGets: TUNING.attempts,
  },
  {
    name: "one 503 with Retry-After: 1",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(503, "1"),
    times: 1,
    expect: { get: ["success"], order: ["success"] },
    retryAfterMs: 1_000,
  },
  {
    name: "one 429 with Retry-After in seconds (1)",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(429, "1"),
    times: 1,
    expect: { get: LIMITED, order: LIMITED },
    extraMs: PAUSES_MS,
    retryAfterMs: 1_000,
  },
  {
    name: "one 429 with Retry-After as an HTTP-date (2 s ahead)",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(429, new Date(Date.now() + 2_000).toUTCString()),
    times: 1,
    expect: { get: LIMITED, order: LIMITED },
    extraMs: PAUSES_MS,
  },
  {
    name: "429 with a negative Retry-After (-5), every attempt",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(429, "-5"),
    expect: { get: ["RateLimitError"], order: ["RateLimitError", "AmbiguousOutcomeError"] },
    extraMs: PAUSES_MS,
    minReplayGapMs: TUNING.baseDelayMs / 2,
  },
  {
    name: "429 with a garbage Retry-After, every attempt",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(429, "soon, maybe"),
    expect: { get: ["RateLimitError"], order: ["RateLimitError", "AmbiguousOutcomeError"] },
    extraMs: PAUSES_MS,
    minReplayGapMs: TUNING.baseDelayMs / 2,
  },
  {
    name: "one 429 with a huge Retry-After (86400), then a second call",
    target: "api",
    kinds: BOTH,
    fault: () => statusAnswer(429, "86400"),
    times: 1,
    expect: { get: ["RateLimitError"], order: ["RateLimitError"] },
    repeat: 2,
    followUp: ["RateLimitError"],
  },
  {
    name: "malformed JSON with status 200",
    target: "api",
    kinds: BOTH,
    fault: () => ({
      kind: "answer",
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"data": [1, 2',
      forward: true,
    }),
    expect: { get: ["MalformedResponseError"], order: ["MalformedResponseError"] },
  },
  {
    name: "HTML with status 200",
    target: "api",
    kinds: BOTH,
    fault: () => ({
      kind: "answer",
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: "<!doctype html><html><body><h1>Maintenance</h1></body></html>",
      forward: true,
    }),
    expect: { get: ["MalformedResponseError"], order: ["MalformedResponseError"] },
  },
  {
    // ALOR's unwrap quotes up to 300 characters of the server's message: a cut token is still a leak.
    name: "400 whose message echoes the request, credentials included",
    target: "api",
    kinds: BOTH,
    fault: () => ({ kind: "echo", status: 400 }),
    expect: { get: ["HttpError"], order: ["HttpError", "AmbiguousOutcomeError"] },
  },
  {
    name: "oversized body (64 MB, client limit 1 MiB)",
    target: "api",
    kinds: ["get"],
    fault: () => ({ kind: "oversized", bytes: 64 * 1024 * 1024 }),
    expect: { get: ["ResponseTooLargeError"] },
  },
  {
    name: "cross-origin redirect (302 for GET, 307 for POST)",
    target: "api",
    kinds: BOTH,
    fault: (kind) => ({ kind: "redirect", status: kind === "get" ? 302 : 307, target: "attacker" }),
    expect: {
      get: ["success", "HttpError", "RedirectError"],
      order: ["success", "HttpError", "RedirectError", "AmbiguousOutcomeError"],
    },
  },
  {
    name: "redirect loop (302 for GET, 307 for POST)",
    target: "api",
    kinds: BOTH,
    fault: (kind) => ({ kind: "redirect", status: kind === "get" ? 302 : 307, target: "loop" }),
    expect: { get: ["RedirectError"], order: ["RedirectError", "AmbiguousOutcomeError"] },
  },
  {
    name: "token call redirected cross-origin (302)",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "redirect", status: 302, target: "attacker" }),
    expect: { get: ["AuthError"] },
  },
  {
    name: "token call redirected cross-origin (307)",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "redirect", status: 307, target: "attacker" }),
    expect: { get: ["AuthError"] },
  },
  {
    name: "token call redirect loop (307)",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "redirect", status: 307, target: "loop" }),
    expect: { get: ["AuthError"] },
  },
  {
    name: "token endpoint answers garbage (200)",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "answer", status: 200, headers: { "content-type": "application/json" }, body: "<<garbage" }),
    expect: { get: ["AuthError"] },
  },
  {
    name: "token endpoint hangs",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "stall-headers", forward: false }),
    expect: { get: ["AuthError"] },
  },
  {
    name: "token endpoint answers an already-expired token, five calls",
    target: "token",
    kinds: ["get"],
    fault: () => ({ kind: "expire-token" }),
    expect: { get: ["success"] },
    repeat: 5,
    followUp: ["success"],
    maxTokenExchanges: 1,
    clockSkewEvents: 1,
  },
];

const BROKERS: BrokerName[] = ["alor", "alpaca", "saxo"];
/** Rows where only an abort ends the call: garbage is collected while they wait (settle.ts). */
const STALLS = new Set(["stall-headers", "stall-body"]);
/** Every test's observed outcomes, written out after the run. */
const observed: Record<string, string[]> = {};

// The bounds grow by the event loop's delay measured while the rows run (loop-delay.ts).
beforeAll(watchLoopDelay);

afterAll(() => {
  mkdirSync(new URL("../.tmp/", import.meta.url), { recursive: true });
  writeFileSync(new URL("../.tmp/fault-matrix.json", import.meta.url), `${JSON.stringify(observed, null, 2)}\n`);
});

describe.concurrent("fault matrix", () => {
  for (const row of ROWS) {
    for (const broker of BROKERS) {
      const tokenPath = PATHS[broker].token;
      if (row.target === "token" && !tokenPath) continue; // Alpaca's trading keys need no token exchange
      for (const kind of row.kinds) {
        const title = `${broker} ${kind}: ${row.name}`;
        it(title, async ({ expect }) => {
          const rig = await startRig(broker, { proxy: { stallMs: 120_000 } });
          try {
            const method = kind === "get" ? "GET" : "POST";
            const faulted: { method?: string; path: string } =
              row.target === "token" ? { path: tokenPath as string } : { method, path: PATHS[broker][kind] };
            rig.proxy.setRules([{ ...faulted, fault: row.fault(kind), times: row.times }]);
            const events: MiddlewareEvent[] = [];
            const calls = brokerCalls(rig.access(), TUNING, (event) => events.push(event));
            const bound = callBound(broker, kind, TUNING, row.extraMs);
            const marginMs = () => loopMarginMs(bound.timers);

            const results: Settled[] = [];
            for (let call = 0; call < (row.repeat ?? 1); call++) {
              const marker = `fm-${randomUUID().slice(0, 12)}`;
              const run = () => (kind === "get" ? calls.get() : calls.order(marker));
              const collectGarbage = STALLS.has(row.fault(kind).kind);
              results.push(await settleWithin(run, bound.boundMs, { collectGarbage, marginMs }));
            }
            observed[title] = results.map((r) => `${describeOutcome(r.outcome)} (${r.elapsedMs} ms of ${r.boundMs})`);

            const secrets = indexSecrets(rig.secrets());
            for (const [index, result] of results.entries()) {
              const allowed = (index === 0 ? row.expect[kind] : row.followUp) ?? [];
              const seen = `call ${index + 1}: ${describeOutcome(result.outcome)}`;
              // (a) settles within the bound
              expect.soft(result.outcome.kind, `${seen}; must settle within ${result.boundMs} ms`).not.toBe("hung");
              // (b) a success or a typed error, and one the row allows
              const missing = missingErrorClasses(allowed);
              expect
                .soft(outcomeIsOneOf(result.outcome, allowed), `${seen}; expected one of ${allowed.join(", ")}`)
                .toBe(true);
              expect.soft(missing, "expected error classes that @brokerkit/middleware does not export").toEqual([]);
              if (result.outcome.kind === "error") {
                // (c) no secret in anything the error shows
                expect.soft(findLeaks(errorSurfaces(result.outcome.error), secrets), seen).toEqual([]);
              }
            }
            // (c) no secret in any event
            const eventLeaks = events.flatMap((event) => findLeaks(eventSurfaces(event), secrets));
            expect.soft(eventLeaks, "secrets in observer events").toEqual([]);
            // (d) no order created twice
            expect.soft(duplicateOrders(rig), "logical orders created more than once").toEqual([]);
            // (e) nothing credential-like at the attacker's origin
            expect.soft(credentialsAtAttacker(rig), "credentials received by the attacker's origin").toEqual([]);

            const requests = rig.proxy.log.filter(
              (entry) => entry.path === faulted.path && (!faulted.method || entry.method === faulted.method),
            );
            const gaps = requests.slice(1).map((entry, index) => entry.at - (requests[index]?.at ?? entry.at));
            if (row.retryAfterMs !== undefined && kind === "get" && gaps.length > 0) {
              // Retry-After is in whole seconds; a few ms of clock granularity are not a violation.
              expect
                .soft(Math.min(...gaps), `a replay of the faulted GET came before its Retry-After`)
                .toBeGreaterThanOrEqual(row.retryAfterMs - 50);
            }
            if (row.minReplayGapMs !== undefined && gaps.length > 0) {
              expect
                .soft(Math.min(...gaps), "replays of the faulted request came without backoff")
                .toBeGreaterThanOrEqual(row.minReplayGapMs);
            }
            if (row.maxFaultedGets !== undefined && kind === "get") {
              expect
                .soft(requests.length, "requests caused by one GET on its path (one per attempt)")
                .toBeLessThanOrEqual(row.maxFaultedGets);
            }
            if (row.maxTokenExchanges !== undefined) {
              const exchanges = rig.proxy.log.filter((entry) => entry.path === tokenPath).length;
              expect.soft(exchanges, "token exchanges over all calls").toBeLessThanOrEqual(row.maxTokenExchanges);
            }
            if (row.clockSkewEvents !== undefined) {
              const skews = events.filter((event) => (event.type as string) === "token.clockSkew").length;
              expect.soft(skews, "token.clockSkew events").toBe(row.clockSkewEvents);
            }
            if (row.fault(kind).kind === "oversized") {
              const perRequest = rig.proxy.stats.oversizedBytesSent / Math.max(1, requests.length);
              expect
                .soft(perRequest, "bytes of the oversized body sent per request: the rest must not be read")
                .toBeLessThan(16 * 1024 * 1024);
            }
          } finally {
            await rig.close();
          }
        });
      }
    }
  }
});
