/** Every suite, in the order `pnpm bench` runs them. */
import type { Suite } from "../lib/suite.js";
import { alpacaStreamSuite } from "./alpaca-stream/index.js";
import { bundleSuite } from "./bundle/index.js";
import { generationSuite } from "./generation/index.js";
import { overheadSuite } from "./overhead/index.js";
import { profileSuite } from "./profile/index.js";
import { saxoFramesSuite } from "./saxo-frames/index.js";
import { singleFlightSuite } from "./single-flight/index.js";
import { streamSuite } from "./stream/index.js";
import { throttleSuite } from "./throttle/index.js";

export const SUITES: readonly Suite[] = [
  overheadSuite,
  throttleSuite,
  singleFlightSuite,
  streamSuite,
  alpacaStreamSuite,
  saxoFramesSuite,
  bundleSuite,
  generationSuite,
  profileSuite,
];
