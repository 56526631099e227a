/** The three load shapes of the throttle suite. `submit` sends one call and resolves when it is answered. */
import { setTimeout as sleep } from "node:timers/promises";

export interface Scenario {
  name: string;
  description: string;
  calls: number;
  run(submit: () => Promise<void>): Promise<void>;
}

const many = (count: number, submit: () => Promise<void>) => Promise.all(Array.from({ length: count }, submit));

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "burst",
    description: "1,000 calls at once",
    calls: 1000,
    run: async (submit) => {
      await many(1000, submit);
    },
  },
  {
    name: "idle",
    description: "150 calls; once all answered, a 1.5 s pause; 150 more",
    calls: 300,
    run: async (submit) => {
      await many(150, submit);
      await sleep(1500);
      await many(150, submit);
    },
  },
  {
    name: "edge",
    description: "1 call; 990 ms after it was sent, 199 calls",
    calls: 200,
    run: async (submit) => {
      const first = performance.now();
      await submit();
      await sleep(Math.max(0, first + 990 - performance.now()));
      await many(199, submit);
    },
  },
];
