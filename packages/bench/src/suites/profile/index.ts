/**
 * Suite 6, where the overhead goes: the same calls as suite 1, at concurrency 1 and 64, under V8's CPU
 * profiler, for bare openapi-fetch and the two brokerkit stacks. Every sample is charged to the
 * nearest library frame (lib/profile-summary.ts), and the totals are divided by the number of calls:
 * microseconds of CPU per call, per layer. The raw profiles go to results/raw/ for DevTools.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { profileCpu } from "../../lib/cpu-profile.js";
import { runCount } from "../../lib/load.js";
import { collectGarbage, quick } from "../../lib/options.js";
import { type CpuProfile, chargeGroups, chargeOwners, type Owner } from "../../lib/profile-summary.js";
import { progress, progressDone } from "../../lib/progress.js";
import { round } from "../../lib/stats.js";
import type { Suite } from "../../lib/suite.js";
import { startBenchServer } from "../../server/start.js";
import { OVERHEAD_CLIENTS } from "../overhead/clients.js";

const PROFILED = [
  "openapi-fetch + undici transport",
  "brokerkit Saxo (full stack)",
  "openapi-fetch + undici transport (ALOR call)",
  "brokerkit ALOR (full stack)",
];
const CONCURRENCIES = [1, 64] as const;
const CALLS = quick ? 1500 : 4000;
const RAW_DIR = new URL("../../../results/raw/", import.meta.url);

interface Profiled {
  name: string;
  calls: number;
  cpuUsPerCall: number;
  owners: Owner[];
}

export const profileSuite: Suite = {
  name: "profile",
  title: "6. Where the brokerkit overhead goes (CPU profile)",
  async run() {
    const server = await startBenchServer();
    const profiled: Profiled[] = [];
    try {
      mkdirSync(RAW_DIR, { recursive: true });
      for (const concurrency of CONCURRENCIES) {
        for (const clientName of PROFILED) {
          const client = OVERHEAD_CLIENTS.find((c) => c.name === clientName);
          if (!client) throw new Error(`profile: no overhead client named "${clientName}"`);
          const name = `${clientName} c=${concurrency}`;
          progress(`profiling ${name}`);
          const call = await client.start(server);
          await runCount(call, concurrency, 1000);
          collectGarbage();
          let cpu = { user: 0, system: 0 };
          const profile: CpuProfile = await profileCpu(async () => {
            const before = process.cpuUsage();
            await runCount(call, concurrency, CALLS);
            cpu = process.cpuUsage(before);
          });
          writeFileSync(new URL(`${name.replace(/\W+/g, "-")}.cpuprofile`, RAW_DIR), JSON.stringify(profile));
          profiled.push({
            name,
            calls: CALLS,
            cpuUsPerCall: (cpu.user + cpu.system) / CALLS,
            owners: chargeOwners(profile),
          });
        }
      }
    } finally {
      progressDone();
      await server.close();
    }
    return report(profiled);
  },
};

function report(profiled: Profiled[]) {
  const perCall = (p: Profiled, ms: number) => (ms * 1000) / p.calls;
  const groupsOf = profiled.map((p) => new Map(chargeGroups(p.owners).map((g) => [g.group, perCall(p, g.ms)])));
  const allGroups = [...new Set(groupsOf.flatMap((g) => [...g.keys()]))];
  const busiest = (group: string) => Math.max(...groupsOf.map((g) => g.get(group) ?? 0));
  const shown = allGroups.filter((g) => busiest(g) >= 1).sort((a, b) => busiest(b) - busiest(a));
  const saxo = profiled.find((p) => p.name === "brokerkit Saxo (full stack) c=64");
  const saxoTotal = saxo ? saxo.owners.reduce((sum, o) => sum + o.ms, 0) : 0;
  const brokerkitOwners = (saxo?.owners ?? []).filter(
    (o) => o.group.startsWith("brokerkit") || o.group === "tough-cookie",
  );
  return {
    method: [
      `Profile: ${CALLS} calls per client at concurrency 1 and 64 under the V8 CPU profiler (200 µs sampling), after 1,000 warm-up calls; samples charged to the nearest library frame.`,
    ],
    tables: [
      {
        title: "Profiled CPU per call, by owner (µs per call; groups under 1 µs left out)",
        headers: ["owner", ...profiled.map((p) => p.name)],
        rows: [
          ["process CPU per call (cpuUsage, profiler on)", ...profiled.map((p) => round(p.cpuUsPerCall, 1))],
          ...shown.map((group) => [group, ...groupsOf.map((g) => round(g.get(group) ?? 0, 1))]),
        ],
        notes: [
          "transport: the fetch call and the reading of the body, whoever calls them; GC cannot be charged to a caller.",
          "Raw profiles: packages/bench/results/raw/*.cpuprofile (open in Chrome DevTools).",
        ],
      },
      {
        title: "brokerkit Saxo stack at c=64: hot spots in brokerkit and tough-cookie (share of all profiled CPU)",
        headers: ["function", "µs per call", "share"],
        rows: brokerkitOwners
          .slice(0, 15)
          .map((o) => [
            o.owner,
            round(perCall(saxo as Profiled, o.ms), 1),
            `${((o.ms / saxoTotal) * 100).toFixed(1)}%`,
          ]),
      },
    ],
    targets: [],
    data: profiled.map((p) => ({
      name: p.name,
      cpuUsPerCall: round(p.cpuUsPerCall, 1),
      groups: chargeGroups(p.owners).map((g) => ({ group: g.group, usPerCall: round(perCall(p, g.ms), 2) })),
      topOwners: p.owners.slice(0, 25).map((o) => ({ owner: o.owner, usPerCall: round(perCall(p, o.ms), 2) })),
    })),
  };
}
