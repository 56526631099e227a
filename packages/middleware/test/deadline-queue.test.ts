/**
 * The timeout layer's deadlines (deadline-queue.ts): one timer for all of them. Each expires once, not
 * before its time, in the order set; a cleared one never fires; cleared ones do not pile up.
 */
import { describe, expect, it } from "vitest";
import { createDeadlineQueue } from "../src/deadline-queue.js";

const MS = 40;

describe("deadline queue", () => {
  it("expires each deadline once, not before its time, in the order set; cleared ones never fire", async () => {
    const queue = createDeadlineQueue(MS);
    const fired: { name: string; late: number }[] = [];
    const set = (name: string) => {
      const at = performance.now() + MS;
      return queue.set(() => fired.push({ name, late: performance.now() - at }));
    };
    const first = set("first");
    const second = set("second");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const third = set("third");
    const fourth = set("fourth");
    // The deadline the timer was armed for is cleared: the next one must still fire on its own time.
    queue.clear(first);
    queue.clear(fourth);
    queue.clear(fourth);
    await new Promise((resolve) => setTimeout(resolve, MS * 3));
    expect(fired.map((f) => f.name)).toEqual(["second", "third"]);
    // performance.now() and timers may disagree by under a millisecond.
    for (const f of fired) expect(f.late).toBeGreaterThanOrEqual(-1);
    queue.clear(second);
    queue.clear(third);
    expect(queue.size).toBe(0);
  });

  it("holds about as many entries as are pending, also when one stays pending long", () => {
    const queue = createDeadlineQueue(60_000);
    for (let i = 0; i < 10_000; i++) queue.clear(queue.set(() => {}));
    expect(queue.size).toBe(0);
    // An old call still pending keeps the ones after it until it is cleared, then they all go.
    const old = queue.set(() => {});
    const later = Array.from({ length: 5_000 }, () => queue.set(() => {}));
    for (const deadline of later) queue.clear(deadline);
    expect(queue.size).toBe(5_001);
    queue.clear(old);
    expect(queue.size).toBe(0);
  });

  it("arms again after a burst has fired, for deadlines set later", async () => {
    const queue = createDeadlineQueue(15);
    const fired: number[] = [];
    queue.set(() => fired.push(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    queue.set(() => fired.push(2));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fired).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });
});
