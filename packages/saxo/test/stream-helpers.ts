/** Shared set-up of the streaming tests: a client, its Saxo stream, and bounded reads of a subscription. */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import type { SaxoSimulator } from "../../testing/src/saxo/index.js";
import { createSaxoStream, type SaxoStream } from "../src/streams.js";
import { clientFor } from "./helpers.js";

export interface StreamSetup extends ReturnType<typeof clientFor> {
  stream: SaxoStream;
  streamEvents: MiddlewareEvent[];
}

const streams = new Set<SaxoStream>();

/** A REST client on `sim` and its stream, with quick reconnects; closed by `closeStreams`. */
export function streamFor(sim: SaxoSimulator, options: { tokenCheckMs?: number } = {}): StreamSetup {
  const setup = clientFor(sim);
  const streamEvents: MiddlewareEvent[] = [];
  const stream = createSaxoStream(setup.client, {
    observer: (event) => streamEvents.push(event),
    reconnect: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 },
    lingerMs: 10,
    ...(options.tokenCheckMs ? { tokenCheckMs: options.tokenCheckMs } : {}),
  });
  streams.add(stream);
  return { ...setup, stream, streamEvents };
}

export async function closeStreams(): Promise<void> {
  const all = [...streams];
  streams.clear();
  await Promise.all(all.map((stream) => stream.close()));
}

/** The next `count` messages of `iterator`, failing after `timeoutMs`. */
export async function take<T>(iterator: AsyncIterator<T>, count: number, timeoutMs = 10_000): Promise<T[]> {
  const taken: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms with ${taken.length} of ${count} messages`)),
      timeoutMs,
    );
  });
  try {
    while (taken.length < count) {
      const result = await Promise.race([iterator.next(), expired]);
      if (result.done) throw new Error(`the subscription ended after ${taken.length} of ${count} messages`);
      taken.push(result.value);
    }
    return taken;
  } finally {
    clearTimeout(timer);
  }
}

/** The context id the stream connected with (from the simulator's first connect). */
export function contextOf(sim: SaxoSimulator): string {
  const contextId = sim.streamingWs.connects[0]?.contextId;
  if (!contextId) throw new Error("the stream has not connected");
  return contextId;
}

/** Subscription creations (POST …/subscriptions) that reached the simulator. */
export function subscriptionPosts(sim: SaxoSimulator): number {
  return sim.arrivals.filter((arrival) => arrival.method === "POST" && arrival.path.endsWith("/subscriptions")).length;
}
