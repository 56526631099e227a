/**
 * Demo output: numbered steps, and a tally of what the middleware did (from observer events) so a
 * reader sees the token refreshes, throttle waits, probes, retries and cache hits behind each call.
 */
import type { MiddlewareEvent, Observer } from "@brokerkit/middleware";

export interface DemoReport {
  observer: Observer;
  step(title: string): void;
  info(line: string): void;
  summary(): void;
}

export function createReport(broker: string): DemoReport {
  const counts = new Map<string, number>();
  const notable: string[] = [];
  const waits = new Map<string, { count: number; maxMs: number }>();
  let stepNo = 0;
  const started = performance.now();
  console.log(`\n━━ ${broker} demo ━━`);
  return {
    observer: (event: MiddlewareEvent) => {
      counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
      if (event.type === "throttle.wait") {
        // Many calls wait in a burst: one line per bucket reads better than one per call.
        const seen = waits.get(event.bucket) ?? { count: 0, maxMs: 0 };
        waits.set(event.bucket, { count: seen.count + 1, maxMs: Math.max(seen.maxMs, event.waitMs) });
        return;
      }
      const line = describe(event);
      if (line) notable.push(line);
    },
    step(title) {
      stepNo++;
      console.log(`\n${stepNo}. ${title}`);
    },
    info(line) {
      console.log(`   ${line}`);
    },
    summary() {
      console.log(`\nWhat the middleware did (${((performance.now() - started) / 1000).toFixed(1)} s):`);
      if (counts.size === 0) console.log("   nothing to report");
      for (const [type, count] of [...counts.entries()].sort()) console.log(`   ${type.padEnd(16)} ${count}`);
      for (const [bucket, { count, maxMs }] of waits) {
        notable.push(`${count} call(s) waited for bucket ${bucket} (longest ${Math.round(maxMs)} ms)`);
      }
      const shown = notable.slice(0, 12);
      if (shown.length) console.log("   details:");
      for (const line of shown) console.log(`     - ${line}`);
      if (notable.length > shown.length) console.log(`     … and ${notable.length - shown.length} more`);
    },
  };
}

function describe(event: MiddlewareEvent): string | undefined {
  switch (event.type) {
    case "token.refresh":
      return `token refresh (${event.reason}) via ${event.provider}`;
    case "throttle.pause":
      return `bucket ${event.bucket} paused (${event.reason})`;
    case "retry":
      return `retry #${event.attempt} after ${Math.round(event.delayMs)} ms: ${event.reason}`;
    case "probe":
      return `isalive probe for service "${event.service}" → ${event.status ?? "?"}`;
    case "deprecation":
      return `deprecated route ${event.route} (${event.reason})`;
    case "route.rewrite":
      return `route ${event.from} → ${event.to}`;
    default:
      return undefined;
  }
}
