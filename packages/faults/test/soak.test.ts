/**
 * The soak: over 2,000 mixed calls (GETs and orders, the three clients) through fault proxies that inject
 * a seeded random fault into a fifth of all requests (API calls, token exchanges and isalive probes alike).
 * The clients run in a child process (`node --unhandled-rejections=strict --expose-gc dist/soak-runner.js`)
 * so that its heap holds only them; the simulators and proxies stay here. Each client takes calls only while
 * their requests fit its own rate limits (soak-plan.ts: clientRotation), so no call waits out a window.
 * Asserted: no call hung past its bound (bounds.ts, plus the event-loop delay measured in the child), no
 * unhandled rejection, every error typed and free of secrets, the heap back within 5 MB of the
 * warm baseline after GC, no logical order created twice, and no credential at any attacker origin.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Fault, type ProxiedRequest, randomFaults } from "@brokerkit/testing";
import { describe, expect, it } from "vitest";
import { SOAK_TUNING } from "../src/bounds.js";
import { type BrokerAccess, type BrokerName, brokerCalls, PATHS, sendBudget, throttledSends } from "../src/clients.js";
import { findLeaks, indexSecrets } from "../src/secrets.js";
import {
  clientRotation,
  orderPlan,
  SOAK_BROKERS,
  SOAK_CONFIG_ENV,
  type SoakConfig,
  type SoakReport,
} from "../src/soak-plan.js";
import { credentialsAtAttacker, duplicateOrders, type Rig, startRig, statusAnswer } from "./support.js";

const SEED = 13;
const CALLS = 2_100;
const WARMUP_CALLS = 300;
const ORDER_SHARE = 0.1;
/** The child is killed after this long: a soak that cannot finish is a failure, not a hang of the suite. */
const CHILD_DEADLINE_MS = 150_000;
const TERM_GRACE_MS = 5_000;
const HEAP_TOLERANCE_BYTES = 5 * 1024 * 1024;
const RUNNER = fileURLToPath(new URL("../dist/soak-runner.js", import.meta.url));

/** The matrix's faults, weighted; token faults only on token exchanges, oversized bodies only on GETs. */
function soakFaults(broker: BrokerName) {
  const token = PATHS[broker].token;
  const onToken = (request: ProxiedRequest) => request.path === token;
  const onApi = (request: ProxiedRequest) => request.path !== token;
  const onGet = (request: ProxiedRequest) => onApi(request) && request.method === "GET";
  return [
    { fault: { kind: "reset-before-response" }, weight: 2 },
    { fault: { kind: "reset-mid-body" }, weight: 2, applies: onApi },
    { fault: { kind: "truncated-chunked" }, weight: 1, applies: onApi },
    { fault: { kind: "truncated-length" }, weight: 1, applies: onApi },
    { fault: { kind: "stall-headers" }, weight: 1 },
    { fault: { kind: "stall-body" }, weight: 1, applies: onApi },
    { fault: { kind: "stall-body", contentType: "text/event-stream" }, weight: 0.5, applies: onGet },
    { fault: statusAnswer(502), weight: 1 },
    { fault: statusAnswer(503), weight: 1 },
    { fault: statusAnswer(503, "1"), weight: 0.5 },
    // A 429 pauses the client's bucket, failing its other calls fast for a while: keep them rare enough
    // that the soak still exercises the network faults.
    { fault: statusAnswer(429, "1"), weight: 0.25, applies: onApi },
    { fault: statusAnswer(429, new Date(Date.now() + 2_000).toUTCString()), weight: 0.25, applies: onApi },
    { fault: statusAnswer(429, "-5"), weight: 0.25, applies: onApi },
    { fault: statusAnswer(429, "whenever"), weight: 0.25, applies: onApi },
    { fault: statusAnswer(429, "86400"), weight: 0.05, applies: onApi },
    {
      fault: {
        kind: "answer",
        status: 200,
        headers: { "content-type": "application/json" },
        body: '{"x": [',
        forward: true,
      },
      weight: 1,
    },
    {
      fault: { kind: "answer", status: 200, headers: { "content-type": "text/html" }, body: "<html>down</html>" },
      weight: 1,
    },
    { fault: { kind: "oversized", bytes: 4 * 1024 * 1024 }, weight: 0.5, applies: onGet },
    { fault: { kind: "redirect", status: 307, target: "attacker" }, weight: 0.5 },
    { fault: { kind: "redirect", status: 302, target: "loop" }, weight: 0.5 },
    { fault: { kind: "expire-token" }, weight: 1, applies: onToken },
  ] satisfies { fault: Fault; weight: number; applies?: (request: ProxiedRequest) => boolean }[];
}

function runSoak(config: SoakConfig): Promise<{ report: SoakReport | undefined; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--unhandled-rejections=strict", "--expose-gc", RUNNER], {
      env: { ...process.env, [SOAK_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout = (stdout + chunk.toString("utf8")).slice(-1_000_000);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
    });
    // Asked to stop first, so that it reports the calls it has judged (hung ones with their timelines).
    let killer = setTimeout(() => {
      child.kill("SIGTERM");
      killer = setTimeout(() => child.kill("SIGKILL"), TERM_GRACE_MS);
    }, CHILD_DEADLINE_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      const last = stdout.trim().split("\n").at(-1);
      let report: SoakReport | undefined;
      try {
        report = last ? (JSON.parse(last) as SoakReport) : undefined;
      } catch {
        report = undefined;
      }
      resolve({ report, code, stderr });
    });
  });
}

/** Secrets (the proxies' tokens included) found in what the child's errors and events showed; first few. */
function leaksIn(file: string, rigs: Rig[]): string[] {
  if (!existsSync(file)) return [];
  const secrets = indexSecrets(rigs.flatMap((rig) => rig.secrets()));
  const findings = new Set<string>();
  for (const line of new Set(readFileSync(file, "utf8").split("\n"))) {
    if (!line || findings.size >= 10) continue;
    const { source, surfaces } = JSON.parse(line) as { source: string; surfaces: Record<string, string> };
    for (const leak of findLeaks(surfaces, secrets)) findings.add(`${source}: ${leak}`);
  }
  return [...findings];
}

describe("soak", () => {
  it(`${WARMUP_CALLS + CALLS} mixed calls with seeded random faults: none hangs, no unhandled rejection, heap back within 5 MB`, async () => {
    expect(existsSync(RUNNER), `${RUNNER} is missing: run pnpm --filter @brokerkit/faults... build`).toBe(true);
    const rigs: Rig[] = [];
    const scratch = mkdtempSync(join(tmpdir(), "brokerkit-soak-"));
    try {
      for (const [index, broker] of SOAK_BROKERS.entries()) {
        const rig = await startRig(broker, {
          proxy: {
            stallMs: 120_000,
            decide: randomFaults({ seed: SEED + index, probability: 0.2, faults: soakFaults(broker) }),
          },
          // The clients keep to the brokers' limits per client; the soak rotates clients, so lift the servers' own.
          alor: { rateLimit: 1_000_000 },
          alpaca: { rateLimit: { limit: 1_000_000 } },
        });
        rigs.push(rig);
      }
      // Each client's budget comes from its own rate-limit rules (a client that sends nothing shows them).
      const budget = Object.fromEntries(
        rigs.map((rig) => [rig.broker, sendBudget(brokerCalls(rig.access(), SOAK_TUNING, () => {}).rateLimits)]),
      ) as Record<BrokerName, number>;
      const plan = { seed: SEED, calls: CALLS, warmupCalls: WARMUP_CALLS, orderShare: ORDER_SHARE };
      const { clientsNeeded } = clientRotation(
        orderPlan(plan),
        budget,
        (broker, kind) => throttledSends(broker, kind, SOAK_TUNING),
        WARMUP_CALLS,
      );
      const access = Object.fromEntries(
        rigs.map((rig) => [rig.broker, Array.from({ length: clientsNeeded[rig.broker] }, () => rig.access())]),
      ) as Record<BrokerName, BrokerAccess[]>;
      const config: SoakConfig = {
        ...plan,
        concurrency: 24,
        tuning: SOAK_TUNING,
        access,
        budget,
        surfacesFile: join(scratch, "surfaces.jsonl"),
      };

      const { report, code, stderr } = await runSoak(config);
      expect(report, `the soak runner printed no report (exit code ${code}): ${stderr}`).toBeDefined();
      if (!report) return;
      console.log(
        `soak: ${report.calls} calls in ${report.wallMs} ms; event-loop delay p99 ${report.loopDelayMs.p99} ms, max ${report.loopDelayMs.max} ms; clients ${JSON.stringify(report.clientsCreated)}, busiest buckets of one client ${JSON.stringify(report.busiestBuckets)}; heap ${report.heap.baselineBytes} → ${report.heap.afterBytes} bytes; outcomes ${JSON.stringify(report.outcomes)}`,
      );
      console.log(`soak: the call nearest its bound, per broker:\n${report.slowest.join("\n")}`);
      expect.soft(code, `soak runner exit code; stderr: ${stderr}`).toBe(0);
      expect.soft(report.interrupted, `the soak was stopped after ${CHILD_DEADLINE_MS} ms`).toBe(false);
      expect.soft(report.calls).toBeGreaterThanOrEqual(2_000);
      expect.soft(report.hung, `${report.hungCount} calls hung past their bound`).toEqual([]);
      expect.soft(report.unhandledRejections, "unhandled rejections").toEqual([]);
      expect.soft(report.untyped, `${report.untypedCount} errors outside BrokerkitError`).toEqual([]);
      expect.soft(leaksIn(config.surfacesFile, rigs), "secrets in errors or events").toEqual([]);
      expect
        .soft(report.heap.deltaBytes, "heap growth after GC, against the warm baseline")
        .toBeLessThanOrEqual(HEAP_TOLERANCE_BYTES);
      for (const rig of rigs) {
        expect.soft(duplicateOrders(rig), `${rig.broker}: logical orders created more than once`).toEqual([]);
        const used = new Set(report.orderMarkers[rig.broker]);
        const strangers = [...rig.ordersByMarker().keys()].filter((marker) => !used.has(marker));
        expect.soft(strangers, `${rig.broker}: orders the soak never asked for`).toEqual([]);
        expect.soft(credentialsAtAttacker(rig), `${rig.broker}: credentials at the attacker's origin`).toEqual([]);
      }
    } finally {
      await Promise.all(rigs.map((rig) => rig.close()));
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 240_000);
});
