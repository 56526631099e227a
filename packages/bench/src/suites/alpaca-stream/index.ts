/**
 * Suite: Alpaca streaming. One Alpaca quote feed (MessagePack, the only codec of the SDK's market data
 * stream) in a separate process (feed-server.ts), read by `ws` alone, by brokerkit's Alpaca data stream
 * and by `@alpacahq/alpaca-trade-api`'s StockDataStream, in rotating order, several rounds each:
 * - throughput: quotes decoded and delivered per CPU-second (and per second), the feed outpacing them;
 * - added latency at 10,000 quotes per second: p50 and p99 of (receive − `t`), minus the same
 *   percentile for `ws` alone in the same round.
 */
import { collectGarbage, quick } from "../../lib/options.js";
import { progress, progressDone } from "../../lib/progress.js";
import { median, round } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";
import { startFeedServer } from "../stream/feed.js";
import { type AlpacaContender, CONTENDERS, parseFloor } from "./clients.js";

const ROUNDS = quick ? 2 : 5;
const BURST = quick ? 20_000 : 100_000;
/** Unmeasured quotes per reader first, so that the rounds compare optimised code. */
const WARM_UP = 100_000;
/** Quotes per frame in the informational run (Alpaca batches quotes into one array when busy). */
const BATCH = 10;
const PACED_RATE = 10_000;
const PACED = quick ? 10_000 : 30_000;

function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function push(series: Map<string, number[]>, name: string, value: number): void {
  const values = series.get(name) ?? [];
  values.push(value);
  series.set(name, values);
}

export const alpacaStreamSuite: Suite = {
  name: "alpaca-stream",
  title: "Streaming: Alpaca quotes (MessagePack) decoded and delivered, and added latency at 10,000 msg/s",
  async run() {
    const feed = await startFeedServer(new URL("./feed-server.js", import.meta.url));
    const throughput = new Map<string, number[]>();
    const cpuThroughput = new Map<string, number[]>();
    const batchedThroughput = new Map<string, number[]>();
    const floor: number[] = [];
    const p50 = new Map<string, number[]>();
    const p99 = new Map<string, number[]>();
    const checksums = new Map<number, string>();
    /** Every reader must have read the same fields of the same quotes, or the race is not fair. */
    const check = (checksum: number, name: string) => {
      const seen = checksums.get(checksum);
      if (checksums.size > 0 && seen === undefined) {
        throw new Error(
          `alpaca stream bench: ${name} read different content (checksum ${checksum}) than ${[...checksums.values()].join(", ")}`,
        );
      }
      checksums.set(checksum, seen ?? name);
    };
    try {
      for (const contender of CONTENDERS) {
        progress(`warm-up: ${contender.name}`);
        await contender.run(feed, WARM_UP, 0, false);
      }
      for (let r = 0; r < ROUNDS; r++) {
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length] as AlpacaContender);
        progress(`round ${r + 1}/${ROUNDS}: the parse floor, ${BURST} quotes in memory`);
        collectGarbage();
        const parsed = await parseFloor(BURST);
        floor.push(BURST / (parsed.cpuMs / 1000));
        check(parsed.checksum, "the parse floor");
        for (const contender of order) {
          progress(`round ${r + 1}/${ROUNDS}: ${contender.name}, burst of ${BURST}`);
          collectGarbage();
          const burst = await contender.run(feed, BURST, 0, false);
          push(throughput, contender.name, BURST / (burst.elapsedMs / 1000));
          push(cpuThroughput, contender.name, BURST / (burst.cpuMs / 1000));
          check(burst.checksum, contender.name);
          progress(`round ${r + 1}/${ROUNDS}: ${contender.name}, burst of ${BURST}, ${BATCH} quotes a frame`);
          collectGarbage();
          const batched = await contender.run(feed, BURST, 0, false, BATCH);
          check(batched.checksum, `${contender.name} (${BATCH} a frame)`);
          push(batchedThroughput, contender.name, BURST / (batched.cpuMs / 1000));
          progress(`round ${r + 1}/${ROUNDS}: ${contender.name}, ${PACED} at ${PACED_RATE}/s`);
          collectGarbage();
          const paced = await contender.run(feed, PACED, PACED_RATE, true);
          const latencies = paced.latencies as Float64Array;
          push(p50, contender.name, percentile(latencies, 50));
          push(p99, contender.name, percentile(latencies, 99));
        }
      }
    } finally {
      progressDone();
      await feed.close();
    }
    const [raw, brokerkit, peer] = CONTENDERS.map((c) => c.name) as [string, string, string];
    const cpuRate = (name: string) => median(cpuThroughput.get(name) ?? []);
    /** Median over rounds of the ratio within each round: neighbours in time share the machine's load. */
    const pairedRatio = (series: Map<string, number[]>, name: string, other: string) =>
      median((series.get(name) ?? []).map((value, i) => value / ((series.get(other) ?? [])[i] ?? Number.NaN)));
    const added = (series: Map<string, number[]>, name: string) =>
      median((series.get(name) ?? []).map((value, i) => value - ((series.get(raw) ?? [])[i] ?? 0)));
    const rows = CONTENDERS.map((c) => [
      c.name,
      Math.round(cpuRate(c.name)),
      round(pairedRatio(cpuThroughput, c.name, raw)),
      Math.round(median(throughput.get(c.name) ?? [])),
      round(median(p50.get(c.name) ?? []), 3),
      round(median(p99.get(c.name) ?? []), 3),
      c.name === raw ? "baseline" : `${round(added(p50, c.name), 3)} / ${round(added(p99, c.name), 3)}`,
    ]);
    const floorRate = median(floor);
    const floorRatio = median(floor.map((value, i) => value / ((cpuThroughput.get(raw) ?? [])[i] ?? Number.NaN)));
    rows.push([
      "floor: one msgpack Decoder + reading the fields, no socket",
      Math.round(floorRate),
      round(floorRatio),
      "",
      "",
      "",
      "",
    ]);
    const ratio = pairedRatio(cpuThroughput, brokerkit, peer);
    const wallRatio = pairedRatio(throughput, brokerkit, peer);
    const batchedRows = CONTENDERS.map((c) => [
      c.name,
      Math.round(median(batchedThroughput.get(c.name) ?? [])),
      round(pairedRatio(batchedThroughput, c.name, raw)),
      c.name === peer ? "1" : round(pairedRatio(batchedThroughput, c.name, peer)),
    ]);
    const brokerkitAddedP99 = added(p99, brokerkit);
    const targets: TargetCheck[] = [
      {
        target: "brokerkit ≥ 2× @alpacahq/alpaca-trade-api's stream throughput on the same feed",
        measured: `${round(ratio)}× per CPU-second (${Math.round(cpuRate(brokerkit))} vs ${Math.round(cpuRate(peer))} msg/s); per wall-clock second ${round(wallRatio)}×`,
        met: ratio >= 2,
        ...(ratio >= 2
          ? {}
          : {
              note: `2× the SDK would be ${Math.round(2 * cpuRate(peer))} quotes per CPU-s, ${round((2 * cpuRate(peer)) / floorRate)}× what decoding and reading the fields alone reach (${Math.round(floorRate)}), before any socket.`,
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
        `One unmeasured burst of ${WARM_UP} per reader, then ${ROUNDS} rounds, readers in rotating order; each run opens a fresh connection to a feed in a separate process on 127.0.0.1 (Alpaca's greeting, auth and subscription replies), after a full garbage collection.`,
        `The feed is MessagePack, each \`t\` a MessagePack timestamp: the SDK's market data stream speaks nothing else, so brokerkit uses its msgpack codec (\`codec: "msgpack"\`) and ws alone decodes with @msgpack/msgpack.`,
        `Throughput: a burst of ${BURST} quotes, one per frame (\`[{T:"q",S,bx,bp,bs,ax,ap,as,c,z,t}]\`, 76 bytes), framed in advance and written as fast as the socket drains. Each reader reads every field of every quote (brokerkit's \`t\` and the SDK's \`timestampRaw\` are the same text; the SDK's \`timestamp\` Date is read too); their checksums must match. Quotes per CPU-second of the reading process and per wall-clock second, first to last delivered; median of rounds.`,
        `Latency: ${PACED} quotes, one per frame, paced at ${PACED_RATE}/s; receive time − \`t\` (the send time on the shared clock); added = the reader's percentile − ws alone's in the same round; median of rounds.`,
        "brokerkit reads with for await over a never-drop buffer (the manifest conflates quotes; here every quote must be delivered and counted); the others use callbacks.",
        `Floor: each round also decodes the same ${BURST} quotes from memory (no socket, no delivery). Ratios are the median over rounds of the ratio within each round. The same burst is also sent ${BATCH} quotes a frame (information, not the target).`,
      ],
      tables: [
        {
          title: "One Alpaca feed, three readers",
          headers: ["reader", "msg per CPU-s", "× ws alone", "msg/s (wall)", "p50 ms", "p99 ms", "added p50 / p99 ms"],
          rows,
        },
        {
          title: `The same burst, ${BATCH} quotes a frame (information)`,
          headers: ["reader", "msg per CPU-s", "× ws alone", "× the SDK"],
          rows: batchedRows,
        },
      ],
      targets,
      data: {
        throughput: Object.fromEntries(throughput),
        cpuThroughput: Object.fromEntries(cpuThroughput),
        batchedThroughput: Object.fromEntries(batchedThroughput),
        floor,
        p50: Object.fromEntries(p50),
        p99: Object.fromEntries(p99),
      },
    };
  },
};
