/**
 * A worker process for the shared cache-file test: the real cache (this package's sources) over fetch,
 * persisting to the file it is given. It reads the file, says "ready", and on "go" stores `count`
 * instrument answers of its own from the test's server, flushes, and reports.
 */
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
const { createCache } = await import("../../src/cache.ts");
const { compose, fromFetch, toFetch } = await import("../../src/compose.ts");

const params = JSON.parse(process.env.BROKERKIT_CACHE_WRITER ?? "{}");
const errors = [];
const cache = createCache({
  rule: { routes: ["GET /md/v2/Securities/{exchange}/{symbol}"], sessionBoundaryUtc: "03:30" },
  file: params.file,
  now: () => params.now,
  observer: (event) => {
    if (event.type === "cache.error") errors.push(event.reason);
  },
});
const fetchThrough = toFetch(compose(fromFetch(), [cache.layer]));

// Read the (still missing) file before the other worker writes anything.
await cache.flush();
process.send({ type: "ready" });
process.once("message", async () => {
  for (let i = 0; i < params.count; i++) {
    const response = await fetchThrough(new Request(`${params.base}/md/v2/Securities/MOEX/${params.prefix}-${i}`));
    await response.arrayBuffer();
  }
  await cache.flush();
  process.send({ type: "done", errors, entries: cache.stats().entries });
  process.disconnect();
});
