/**
 * The rate limiters the throttle suite compares, all set to 100 calls per 1,000 ms. Each turns a
 * function that sends one request into a scheduled call.
 */
import { RateLimiter } from "@alpacahq/alpaca-trade-api/rest";
import { compose, createThrottle, type FetchLike, fromFetch, toFetch } from "@brokerkit/middleware";
import Bottleneck from "bottleneck";
import pThrottle from "p-throttle";

export const LIMIT = 100;
export const INTERVAL_MS = 1000;

/** Sends one call through the limiter; `send` is the transport, called when the limiter lets the call start. */
export type Scheduled = (url: string, init: RequestInit) => Promise<Response>;

export interface Limiter {
  name: string;
  /** A fresh limiter (no state from another scenario) over `send`. */
  create(send: FetchLike): Scheduled;
}

/** brokerkit's default safety margin for a 1,000 ms interval (0.1%, at least 1 ms): see throttle.ts. */
export const BROKERKIT_DEFAULT_MARGIN_MS = Math.max(Math.ceil(INTERVAL_MS * 0.001), 1);

export const LIMITERS: readonly Limiter[] = [
  {
    name: "brokerkit createThrottle",
    create(send) {
      const throttle = createThrottle({ rules: [{ name: "bench", limit: LIMIT, intervalMs: INTERVAL_MS }] });
      const fetch = toFetch(compose(fromFetch(send), [throttle.layer]));
      return (url, init) => fetch(new Request(url, init));
    },
  },
  {
    name: "p-throttle (default)",
    create(send) {
      const throttled = pThrottle({ limit: LIMIT, interval: INTERVAL_MS })((url: string, init: RequestInit) =>
        send(new Request(url, init)),
      );
      return (url, init) => throttled(url, init);
    },
  },
  {
    name: "p-throttle (strict)",
    create(send) {
      const throttled = pThrottle({ limit: LIMIT, interval: INTERVAL_MS, strict: true })(
        (url: string, init: RequestInit) => send(new Request(url, init)),
      );
      return (url, init) => throttled(url, init);
    },
  },
  {
    name: "bottleneck (minTime)",
    create(send) {
      const limiter = new Bottleneck({ minTime: INTERVAL_MS / LIMIT });
      return (url, init) => limiter.schedule(() => send(new Request(url, init)));
    },
  },
  {
    name: "bottleneck (reservoir)",
    create(send) {
      const limiter = new Bottleneck({
        reservoir: LIMIT,
        reservoirRefreshAmount: LIMIT,
        reservoirRefreshInterval: INTERVAL_MS,
      });
      return (url, init) => limiter.schedule(() => send(new Request(url, init)));
    },
  },
  {
    name: "@alpacahq/alpaca-trade-api RateLimiter",
    create(send) {
      const limiter = new RateLimiter({ maxRequests: LIMIT, intervalMs: INTERVAL_MS });
      return async (url, init) => {
        const release = await limiter.acquire();
        try {
          return await send(new Request(url, init));
        } finally {
          release();
        }
      };
    },
  },
];
