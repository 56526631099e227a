/**
 * Suite: streaming. One ALOR quote feed in a separate process (feed-server.ts), read by `ws` alone,
 * by brokerkit's stream runtime and by `alor-api`, in rotating order, several rounds each:
 * - throughput: messages decoded and delivered per second, the feed sending as fast as it can;
 * - added latency at 10,000 messages per second: p50 and p99 of (receive − send), minus the same
 *   percentile for `ws` alone in the same round.
 */
import { quick } from "../../lib/options.js";
import { progress, progressDone } from "../../lib/progress.js";
import { median, round } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";
import { CONTENDERS, type StreamContender } from "./clients.js";
import { startFeedServer } from "./feed.js";

const ROUNDS = quick ? 2 : 5;
const BURST = quick ? 20_000 : 100_000;
const PACED_RATE = 10_000;
const PACED = quick ? 10_000 : 30_000;

function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const streamSuite: Suite = {
  name: "stream",
  title: "Streaming: ALOR quotes decoded and delivered, and added latency at 10,000 msg/s",
  async run() {
    const feed = await startFeedServer();
    const warn = console.warn;
    console.warn = () => {}; // alor-api reports every close and reconnect
    const throughput = new Map<string, number[]>();
    const p50 = new Map<string, number[]>();
    const p99 = new Map<string, number[]>();
    try {
      for (let r = 0; r < ROUNDS; r++) {
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length] as StreamContender);
        for (const contender of order) {
          progress(`round ${r + 1}/${ROUNDS}: ${contender.name}, burst of ${BURST}`);
          const burst = await contender.run(feed, BURST, 0, false);
          push(throughput, contender.name, BURST / (burst.elapsedMs / 1000));
          progress(`round ${r + 1}/${ROUNDS}: ${contender.name}, ${PACED} at ${PACED_RATE}/s`);
          const paced = await contender.run(feed, PACED, PACED_RATE, true);
          const latencies = paced.latencies as Float64Array;
          push(p50, contender.name, percentile(latencies, 50));
          push(p99, contender.name, percentile(latencies, 99));
        }
      }
    } finally {
      console.warn = warn;
      progressDone();
      await feed.close();
    }
    const [raw, brokerkit, peer] = CONTENDERS.map((c) => c.name) as [string, string, string];
    const rate = (name: string) => median(throughput.get(name) ?? []);
    const added = (series: Map<string, number[]>, name: string) =>
      median((series.get(name) ?? []).map((value, i) => value - ((series.get(raw) ?? [])[i] ?? 0)));
    const rows = CONTENDERS.map((c) => [
      c.name,
      Math.round(rate(c.name)),
      round(rate(c.name) / rate(raw)),
      round(median(p50.get(c.name) ?? []), 3),
      round(median(p99.get(c.name) ?? []), 3),
      c.name === raw ? "baseline" : `${round(added(p50, c.name), 3)} / ${round(added(p99, c.name), 3)}`,
    ]);
    const ratio = rate(brokerkit) / rate(peer);
    const brokerkitAddedP99 = added(p99, brokerkit);
    const targets: TargetCheck[] = [
      {
        target: "brokerkit ≥ 2× alor-api's throughput on the same feed",
        measured: `${round(ratio)}× (${Math.round(rate(brokerkit))} vs ${Math.round(rate(peer))} msg/s)`,
        met: ratio >= 2,
        ...(ratio >= 2
          ? {}
          : {
              note: "Both parse each frame once; alor-api's per-message cost is one JSON.parse and a callback, which leaves little to be 2× faster than.",
            }),
      },
      {
        target: "brokerkit's added p99 latency < 1 ms at 10,000 msg/s",
        measured: `${round(brokerkitAddedP99, 3)} ms`,
        met: brokerkitAddedP99 < 1,
      },
    ];
    return {
      method: [
        `${ROUNDS} rounds, contenders in rotating order; each run opens a fresh connection to a feed in a separate process on 127.0.0.1.`,
        `Throughput: a burst of ${BURST} ALOR quote messages (about 450 bytes each) sent as fast as the socket drains; messages per second from the first to the last delivered; median of rounds.`,
        `Latency: ${PACED} messages paced at ${PACED_RATE}/s; receive time − send time on the shared clock; added = the contender's percentile − ws alone's in the same round; median of rounds.`,
        "brokerkit reads with for await over a never-drop buffer, so every message is delivered; the others use callbacks.",
      ],
      tables: [
        {
          title: "One feed, three readers",
          headers: ["reader", "msg/s", "× ws alone", "p50 ms", "p99 ms", "added p50 / p99 ms"],
          rows,
        },
      ],
      targets,
      data: {
        throughput: Object.fromEntries(throughput),
        p50: Object.fromEntries(p50),
        p99: Object.fromEntries(p99),
      },
    };
  },
};

function push(series: Map<string, number[]>, name: string, value: number): void {
  const values = series.get(name) ?? [];
  values.push(value);
  series.set(name, values);
}
