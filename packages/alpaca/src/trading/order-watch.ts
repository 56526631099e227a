/**
 * Hand-written (not generated). Follows one order on an open trading stream (trade_updates), so that
 * submitOrder can learn an order's fate from the events Alpaca pushes instead of polling for it. The
 * subscription is made before the order is sent, so no event of it can be missed; it ends with the watch.
 */
import { TimeoutError } from "@brokerkit/middleware";
import type { components } from "../generated/trading-stream/types.js";

export type OrderEvent = components["schemas"]["OrderEvent"];
export type OrderEventType = components["schemas"]["OrderEventType"];
type TradeUpdateMessage = components["schemas"]["TradeUpdatesMessage"];

/** What submitOrder needs of a trading stream: the `tradeUpdates` channel (an AlpacaTradingStream has it). */
export interface TradeUpdatesSource {
  subscribe(
    channel: "tradeUpdates",
    params: Record<string, never>,
    options?: { signal?: AbortSignal },
  ): AsyncIterableIterator<TradeUpdateMessage> & { readonly ready: Promise<void> };
}

/** Events after which an order changes no more (a replaced order lives on as its replacement). */
export const FINAL_ORDER_EVENTS: readonly OrderEventType[] = [
  "fill",
  "canceled",
  "expired",
  "done_for_day",
  "replaced",
  "rejected",
];

export class OrderWatch {
  /** Every event of the watched order so far, oldest first. */
  readonly events: OrderEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private failure: unknown;
  private readonly stream: ReturnType<TradeUpdatesSource["subscribe"]>;

  private constructor(
    source: TradeUpdatesSource,
    private readonly clientOrderId: string,
  ) {
    this.stream = source.subscribe("tradeUpdates", {});
    void this.read();
  }

  /** Starts watching `clientOrderId` and resolves once the stream listens (before the order is sent). */
  static async start(source: TradeUpdatesSource, clientOrderId: string): Promise<OrderWatch> {
    const watch = new OrderWatch(source, clientOrderId);
    try {
      await watch.stream.ready;
    } catch (error) {
      await watch.stop();
      throw error;
    }
    return watch;
  }

  private async read(): Promise<void> {
    try {
      for await (const message of this.stream) {
        if (message.data.order?.client_order_id !== this.clientOrderId) continue;
        this.events.push(message.data);
        for (const wake of this.waiters) wake();
      }
    } catch (error) {
      this.failure = error;
      for (const wake of this.waiters) wake();
    }
  }

  /** The first event matching `accept`, waiting up to `timeoutMs`; undefined when none came in time. */
  async next(
    accept: (event: OrderEvent) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<OrderEvent | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    try {
      return await new Promise<OrderEvent | undefined>((resolve, reject) => {
        const check = () => {
          const found = this.events.find(accept);
          if (found) resolve(found);
          else if (signal?.aborted) reject(signal.reason);
          else if (this.failure !== undefined) reject(this.failure);
        };
        wake = check;
        this.waiters.add(check);
        signal?.addEventListener("abort", check, { once: true });
        timer = setTimeout(() => resolve(undefined), timeoutMs);
        check();
      });
    } finally {
      clearTimeout(timer);
      if (wake) {
        this.waiters.delete(wake);
        signal?.removeEventListener("abort", wake);
      }
    }
  }

  /** The order's final event (fill, canceled, …), or a TimeoutError after `timeoutMs`. */
  async fate(timeoutMs: number, signal?: AbortSignal): Promise<OrderEvent> {
    const final = await this.next((event) => FINAL_ORDER_EVENTS.includes(event.event), timeoutMs, signal);
    if (final) return final;
    throw new TimeoutError(
      `submitOrder: order ${this.clientOrderId} reached no final state on the trading stream within ${timeoutMs} ms (events seen: ${this.events.map((e) => e.event).join(", ") || "none"})`,
      { timeoutMs },
    );
  }

  /** Ends the subscription (at the server too, when nothing else on the stream listens). */
  async stop(): Promise<void> {
    await this.stream.return?.();
  }
}
