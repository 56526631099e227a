/**
 * What one data-socket subscription streams, as the opcode handlers build it: the snapshot sent right
 * after the confirmation, then pushes on the subscription's `frequency` (market data) or on changes of
 * the trading book (portfolio data). Items are in the Simple shape; the socket renders the format.
 */
import type { AlorWorld, Caller } from "../route.js";
import type { Exchange } from "../shapes.js";
import type { DataKind } from "./formats.js";
import type { Message } from "./message-fields.js";
import type { TradingEvent } from "./observable-trading.js";

export type Item = Record<string, unknown>;

export interface Feed {
  kind: DataKind;
  /** Sent right after the confirmation: history, or the current state (empty with skipHistory). */
  snapshot: Item[];
  /** Pushed every `frequency` ms (market data). */
  tick?(nowMs: number): Item[];
  /** Pushed when the trading book changes (portfolio data). */
  react?(event: TradingEvent): Item[];
  /** The i-th message of a flood: a plausible item, distinct from its neighbours where the kind has an identity. */
  sample(i: number): Item;
}

export interface FeedRequest {
  /** The subscribe message (opcode, guid, token, exchange, format, frequency and the opcode's own fields). */
  message: Message;
  exchange: Exchange;
  caller: Caller;
  world: AlorWorld;
  now: Date;
}

/** Reads an opcode's fields (throwing a 400 SimHttpError naming a bad one) and opens its feed. */
export type FeedOpener = (request: FeedRequest) => Feed;
