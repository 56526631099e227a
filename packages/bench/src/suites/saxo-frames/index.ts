/**
 * Saxo's binary stream decoding on one core: frames of price deltas (several messages per frame, as
 * Saxo batches them) parsed by `parseSaxoFrame`, and each delta merged into its subscription's state
 * (`applyDelta`), the work the `saxo` adapter does per message before the runtime delivers it.
 */
import { applyDelta, initialState, parseSaxoFrame } from "@brokerkit/stream/saxo";
import { quick } from "../../lib/options.js";
import { round } from "../../lib/stats.js";
import type { Suite } from "../../lib/suite.js";

const MESSAGES = quick ? 50_000 : 200_000;
const PER_FRAME = 10;
const SUBSCRIPTIONS = 20;

/** One message in Saxo's layout: id (uint64 LE), 2 reserved bytes, reference id, format 0, size, JSON. */
function message(id: number, referenceId: string, payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload));
  const head = Buffer.alloc(16 + referenceId.length);
  head.writeBigUInt64LE(BigInt(id), 0);
  head.writeUInt8(referenceId.length, 10);
  head.write(referenceId, 11, "ascii");
  head.writeUInt8(0, 11 + referenceId.length);
  head.writeInt32LE(body.length, 12 + referenceId.length);
  return Buffer.concat([head, body]);
}

function frames(): Buffer[] {
  const built: Buffer[] = [];
  for (let id = 1; id <= MESSAGES; id += PER_FRAME) {
    const parts: Buffer[] = [];
    for (let n = 0; n < PER_FRAME; n++) {
      const seq = id + n;
      parts.push(
        message(seq, `prices-${seq % SUBSCRIPTIONS}`, {
          Quote: { Bid: 1.08 + (seq % 100) / 1e5, Ask: 1.0802 + (seq % 100) / 1e5 },
          LastUpdated: "2026-12-06T21:00:00.000Z",
        }),
      );
    }
    built.push(Buffer.concat(parts));
  }
  return built;
}

export const saxoFramesSuite: Suite = {
  name: "saxo-frames",
  title: "Saxo binary stream decoding (one core)",
  async run() {
    const input = frames();
    const rule = { kind: "object" } as const;
    const states = new Map<string, unknown>();
    for (let s = 0; s < SUBSCRIPTIONS; s++)
      states.set(`prices-${s}`, initialState(rule, { Uic: 21, AssetType: "FxSpot", Quote: { Bid: 1, Ask: 1 } }));
    const decodeOnly = () => {
      let count = 0;
      for (const frame of input) count += parseSaxoFrame(frame).length;
      return count;
    };
    const decodeAndMerge = () => {
      let count = 0;
      for (const frame of input)
        for (const item of parseSaxoFrame(frame)) {
          states.set(item.referenceId, applyDelta(rule, states.get(item.referenceId), item.payload));
          count++;
        }
      return count;
    };
    // One warm-up pass each, then the measured pass.
    decodeOnly();
    decodeAndMerge();
    const measure = (work: () => number) => {
      const started = performance.now();
      const count = work();
      return round(count / ((performance.now() - started) / 1000), 0);
    };
    const decodeRate = measure(decodeOnly);
    const mergeRate = measure(decodeAndMerge);
    return {
      method: [
        `${MESSAGES.toLocaleString("en")} JSON price deltas, ${PER_FRAME} per binary frame, over ${SUBSCRIPTIONS} reference ids; one warm-up pass, then one measured pass per row`,
      ],
      tables: [
        {
          title: "Saxo frames decoded per second (one core)",
          headers: ["work", "messages/s"],
          rows: [
            ["parse frames (header checks + JSON)", decodeRate],
            ["parse + merge each delta into its state", mergeRate],
          ],
        },
      ],
      targets: [],
      data: { messages: MESSAGES, perFrame: PER_FRAME, decodePerSecond: decodeRate, mergePerSecond: mergeRate },
    };
  },
};
