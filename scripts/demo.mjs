#!/usr/bin/env node
// `pnpm demo [alor|alpaca|binance|saxo]`: runs the readable demo session of one broker, or of all, each
// against its local simulator (started and stopped by the demo itself).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { root, run } from "./lib.mjs";

const dist = join(root, "packages/demo/dist");
const available = existsSync(dist)
  ? readdirSync(dist)
      .filter((f) => f.endsWith(".js") && f !== "report.js")
      .map((f) => f.replace(/\.js$/, ""))
      .sort()
  : [];
if (!available.length) {
  console.error("✗ the demos are not built: run `pnpm build` (or `npm start`, which does everything)");
  process.exit(1);
}
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`✗ unknown demo "${name}": expected one of ${available.join(", ")}`);
    process.exit(2);
  }
}
for (const name of wanted.length ? wanted : available) run("node", [join(dist, `${name}.js`)]);
