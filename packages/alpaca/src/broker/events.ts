/**
 * Hand-written (not generated). The Broker API's event streams as typed, resumable async iterators (see
 * event-stream.ts for reconnection and dedupe). Event and query types come from the generated Broker spec.
 *
 * How each stream resumes after the last event seen, following Alpaca's query rules (`since` is required
 * with `until`; `since`, `since_id` and `since_ulid` cannot be combined; each `until_*` needs its `since_*`):
 *   - /v2/events/trades: `since_id=<event_id ULID>` (replacing `since`).
 *   - /v1/events/trades and /v1/events/accounts/status: `since_id=<integer event_id>` when the query uses
 *     integer ids (`since_id` / `until_id`), else `since_ulid=<event_ulid>`.
 *   - A query bounded by a date (`until`) is sent again as is, because `until` requires `since`; the
 *     replayed events up to the last one seen are skipped.
 */
import type { BrokerClient, BrokerOperations, BrokerSchemas } from "../generated/broker/index.js";
import {
  type EventId,
  EventStream,
  type EventStreamOptions,
  type StreamCursor,
  type StreamQuery,
} from "./event-stream.js";

export type TradeEvent = BrokerSchemas["TradeEvent"];
export type TradeEventV1 = BrokerSchemas["TradeEventV1"];
export type AccountStatusEvent = BrokerSchemas["AccountStatusEvent"];

export type TradeEventsQuery = NonNullable<BrokerOperations["streamTradeEvents"]["parameters"]["query"]>;
export type TradeEventsV1Query = NonNullable<BrokerOperations["streamTradeEventsV1"]["parameters"]["query"]>;
export type AccountStatusEventsQuery = NonNullable<
  BrokerOperations["streamAccountStatusEvents"]["parameters"]["query"]
>;

/** GET /v2/events/trades: order updates of every account, with ULID `event_id`s. */
export function streamTradeEvents(
  client: BrokerClient,
  query: TradeEventsQuery = {},
  options: EventStreamOptions = {},
): EventStream<TradeEvent> {
  const cursor: StreamCursor<TradeEvent> = {
    idOf: (event) => textId(event.event_id),
    resumeQuery: (original, lastId) =>
      original.until !== undefined ? original : { ...without(original, "since", "since_id"), since_id: lastId },
  };
  return new EventStream(
    { client, path: "/v2/events/trades", query: { ...query }, cursor, bounded: isBounded(query) },
    options,
  );
}

/** GET /v1/events/trades (deprecated; existing partners only): integer `event_id` plus `event_ulid`. */
export function streamTradeEventsV1(
  client: BrokerClient,
  query: TradeEventsV1Query = {},
  options: EventStreamOptions = {},
): EventStream<TradeEventV1> {
  return new EventStream(
    { client, path: "/v1/events/trades", query: { ...query }, cursor: legacyCursor(query), bounded: isBounded(query) },
    options,
  );
}

/** GET /v1/events/accounts/status: account changes (only the changed properties are present). */
export function streamAccountStatusEvents(
  client: BrokerClient,
  query: AccountStatusEventsQuery = {},
  options: EventStreamOptions = {},
): EventStream<AccountStatusEvent> {
  return new EventStream(
    {
      client,
      path: "/v1/events/accounts/status",
      query: { ...query },
      cursor: legacyCursor(query),
      bounded: isBounded(query),
    },
    options,
  );
}

/** v1 streams: integer ids when the query speaks in them, else ULIDs. */
function legacyCursor<Event extends { event_id?: unknown; event_ulid?: unknown }>(
  query: StreamQuery,
): StreamCursor<Event> {
  const integers = query.since_id !== undefined || query.until_id !== undefined;
  return {
    idOf: (event) => (integers ? integerId(event.event_id) : textId(event.event_ulid)),
    resumeQuery: (original, lastId) =>
      original.until !== undefined
        ? original
        : {
            ...without(original, "since", "since_id", "since_ulid"),
            ...(integers ? { since_id: lastId } : { since_ulid: lastId }),
          },
  };
}

const isBounded = (query: StreamQuery): boolean =>
  query.until !== undefined || query.until_id !== undefined || query.until_ulid !== undefined;

function without(query: StreamQuery, ...names: string[]): StreamQuery {
  const copy = { ...query };
  for (const name of names) delete copy[name];
  return copy;
}

const textId = (value: unknown): EventId | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const integerId = (value: unknown): EventId | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;
