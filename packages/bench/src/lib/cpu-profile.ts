/** Profiles a piece of work in this process with V8's CPU profiler (what `node --cpu-prof` uses). */
import { Session } from "node:inspector/promises";
import type { CpuProfile } from "./profile-summary.js";

export async function profileCpu(work: () => Promise<void>, samplingIntervalUs = 200): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await session.post("Profiler.start");
    await work();
    const { profile } = await session.post("Profiler.stop");
    return profile as unknown as CpuProfile;
  } finally {
    session.disconnect();
  }
}
