import { describe, expect, it } from "vitest";
import { parseSaxoFrame, SaxoFrameError } from "../src/adapters/saxo-frames.js";
import { applyDelta, initialState } from "../src/adapters/saxo-merge.js";

/** One message in Saxo's layout (written here from the documented layout, independently of the parser). */
function message(id: bigint, referenceId: string, payload: unknown, format = 0): Buffer {
  const body = format === 0 ? Buffer.from(JSON.stringify(payload), "utf8") : Buffer.from(payload as Uint8Array);
  const reference = Buffer.from(referenceId, "ascii");
  const head = Buffer.alloc(11);
  head.writeBigUInt64LE(id, 0);
  head.writeUInt8(reference.length, 10);
  const tail = Buffer.alloc(5);
  tail.writeUInt8(format, 0);
  tail.writeInt32LE(body.length, 1);
  return Buffer.concat([head, reference, tail, body]);
}

function fault(frame: Uint8Array): SaxoFrameError {
  try {
    parseSaxoFrame(frame);
  } catch (error) {
    if (error instanceof SaxoFrameError) return error;
    throw error;
  }
  throw new Error("the frame parsed");
}

describe("Saxo binary frames", () => {
  it("reads several messages of one frame, with 64-bit ids, JSON and protobuf payloads", () => {
    const frame = Buffer.concat([
      message(1n, "prices-1", { Quote: { Bid: 1.1 } }),
      message(2n ** 63n + 5n, "_heartbeat", [{ ReferenceId: "_heartbeat", Heartbeats: [] }]),
      message(3n, "orders-2", new Uint8Array([8, 1]), 1),
    ]);
    const messages = parseSaxoFrame(frame);
    expect(messages.map((m) => [m.messageId, m.referenceId, m.format])).toEqual([
      ["1", "prices-1", "json"],
      [(2n ** 63n + 5n).toString(), "_heartbeat", "json"],
      ["3", "orders-2", "protobuf"],
    ]);
    expect(messages[0]?.payload).toEqual({ Quote: { Bid: 1.1 } });
    expect(Array.from(messages[2]?.payload as Uint8Array)).toEqual([8, 1]);
  });

  it("reads a frame that is a view into a larger buffer", () => {
    const whole = Buffer.concat([Buffer.from([9, 9, 9]), message(7n, "a", { x: 1 })]);
    expect(parseSaxoFrame(whole.subarray(3))[0]?.payload).toEqual({ x: 1 });
  });

  it("gives typed errors for truncated and malformed frames, keeping the messages before the fault", () => {
    const good = message(1n, "prices-1", { a: 1 });
    const full = message(2n, "prices-1", { b: 2 });
    for (let cut = 1; cut < full.length; cut++) {
      const error = fault(Buffer.concat([good, full.subarray(0, cut)]));
      expect(error.fault).toBe("truncated");
      expect(error.messages).toHaveLength(1);
      expect(error.offset).toBeGreaterThanOrEqual(good.length);
    }
    const badFormat = Buffer.from(full);
    badFormat.writeUInt8(7, 11 + "prices-1".length);
    expect(fault(badFormat).fault).toBe("bad-format");
    const negative = Buffer.from(full);
    negative.writeInt32LE(-4, 12 + "prices-1".length);
    expect(fault(negative).fault).toBe("bad-size");
    const binaryReference = Buffer.from(full);
    binaryReference.writeUInt8(0x01, 11);
    expect(fault(binaryReference).fault).toBe("bad-reference-id");
    const emptyReference = Buffer.from(full);
    emptyReference.writeUInt8(0, 10);
    expect(fault(emptyReference).fault).toBe("bad-reference-id");
    const notJson = message(3n, "r", "x");
    notJson.write("{", notJson.length - 1);
    const error = fault(notJson);
    expect(error.fault).toBe("bad-json");
    expect(error.message).toContain("bad-json");
    expect(error.name).toBe("SaxoFrameError");
  });

  it("survives 10,000 random and mutated frames: a list or a SaxoFrameError, never a crash or a hang", () => {
    let seed = 0x5eed;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const base = Buffer.concat([
      message(1n, "prices-1", { Quote: { Bid: 1 } }),
      message(2n, "orders-2", [{ OrderId: "1" }]),
    ]);
    let parsed = 0;
    let faults = 0;
    for (let round = 0; round < 10_000; round++) {
      let frame: Buffer;
      if (round % 2 === 0) {
        frame = Buffer.alloc(Math.floor(random() * 64));
        for (let index = 0; index < frame.length; index++) frame[index] = Math.floor(random() * 256);
      } else {
        frame = Buffer.from(base.subarray(0, 1 + Math.floor(random() * base.length)));
        const flips = Math.floor(random() * 4);
        for (let flip = 0; flip < flips; flip++) {
          const at = Math.floor(random() * frame.length);
          frame[at] = Math.floor(random() * 256);
        }
      }
      try {
        parseSaxoFrame(frame);
        parsed++;
      } catch (error) {
        expect(error).toBeInstanceOf(SaxoFrameError);
        faults++;
      }
    }
    expect(parsed + faults).toBe(10_000);
    expect(faults).toBeGreaterThan(0);
  });
});

describe("Saxo delta merging", () => {
  it("merges objects field by field, replacing values and arrays", () => {
    const rule = { kind: "object" } as const;
    let state = initialState(rule, { Uic: 21, Quote: { Bid: 1, Ask: 2 }, Tags: [1] });
    state = applyDelta(rule, state, { Quote: { Bid: 1.5 }, Tags: [2, 3] });
    expect(state).toEqual({ Uic: 21, Quote: { Bid: 1.5, Ask: 2 }, Tags: [2, 3] });
  });

  it("merges lists by key, appends new items and removes __meta_deleted ones", () => {
    const rule = { kind: "list", key: "OrderId" } as const;
    let state = initialState(rule, {
      __count: 2,
      Data: [
        { OrderId: "1", Price: 1 },
        { OrderId: "2", Price: 2 },
      ],
    });
    state = applyDelta(rule, state, [
      { OrderId: "2", Price: 3 },
      { OrderId: "3", Price: 4 },
    ]);
    state = applyDelta(rule, state, [{ OrderId: "1", __meta_deleted: true }]);
    expect(state).toEqual([
      { OrderId: "2", Price: 3 },
      { OrderId: "3", Price: 4 },
    ]);
  });

  it("appends event feeds and keeps only the latest", () => {
    const rule = { kind: "events", keep: 2 } as const;
    let state = initialState(rule, { Data: [{ n: 1 }] });
    state = applyDelta(rule, state, [{ n: 2 }, { n: 3 }]);
    expect(state).toEqual([{ n: 2 }, { n: 3 }]);
  });
});
