/**
 * `node dist/analyse-profile.js <file.cpuprofile> [top]`: where the time of a `node --cpu-prof` run
 * went, by owner and by group (see lib/profile-summary.ts).
 */
import { readFileSync } from "node:fs";
import { type CpuProfile, chargeGroups, chargeOwners } from "./lib/profile-summary.js";

const [file, top = "30"] = process.argv.slice(2);
if (!file) {
  console.error("usage: analyse-profile <file.cpuprofile> [top]");
  process.exit(2);
}
const owners = chargeOwners(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
const total = owners.reduce((sum, o) => sum + o.ms, 0);
const pct = (ms: number) => `${((ms / total) * 100).toFixed(1)}%`.padStart(6);
console.log(`busy ${total.toFixed(0)} ms\n\nby group`);
for (const g of chargeGroups(owners).slice(0, Number(top))) console.log(`${pct(g.ms)}  ${g.group}`);
console.log("\nby owner");
for (const o of owners.slice(0, Number(top))) console.log(`${pct(o.ms)}  ${o.owner}`);
