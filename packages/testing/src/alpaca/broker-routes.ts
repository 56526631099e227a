/**
 * Broker API routes: customer accounts (list, open, read), orders and positions on behalf of an account,
 * and the SSE streams for account status (/v1/events/accounts/status) and trade updates (legacy
 * /v1/events/trades with integer ids, /v2/events/trades with ULIDs).
 */
import { randomUUID } from "node:crypto";
import type { EventLog, LoggedEvent } from "./events.js";
import type { OrderBook, SimOrder, TradeUpdate } from "./orders.js";
import { ErrorCode, fail, invalid, noContent, ok } from "./reply.js";
import type { JsonRoute, RouteContext, SimRoute } from "./routes.js";
import { type StreamBounds, streamEvents } from "./sse.js";
import { isUlid } from "./ulid.js";

export interface BrokerAccount {
  id: string;
  partnerId: string;
  account_number: string;
  status: string;
  created_at: string;
  contact: Record<string, unknown>;
  identity: Record<string, unknown>;
  disclosures: Record<string, unknown>;
  agreements: unknown[];
  trusted_contact?: Record<string, unknown>;
  account_type: string;
  enabled_assets: string[];
}

export interface AccountStatusChange {
  account_number: string;
  status_from: string;
  status_to: string;
}

export type LegacyStreamMode = "available" | "gone";

export interface SseSettings {
  heartbeatMs: number;
  idLines: boolean;
  sinceInclusive: boolean;
  /** Consumes a pending forced disconnect for this path, if one is armed. */
  takeForcedDisconnect: (path: string) => number | undefined;
  onConnection: () => void;
  onForcedDisconnect: () => void;
}

export interface BrokerState {
  book: OrderBook;
  accounts: Map<string, BrokerAccount>;
  tradeLog: EventLog<TradeUpdate>;
  statusLog: EventLog<AccountStatusChange>;
  legacyTradeEvents: () => LegacyStreamMode;
  sse: SseSettings;
  onOrderCreated: () => void;
  /** Moves an account to a new status and logs the change. */
  setStatus: (account: BrokerAccount, status: string) => void;
}

export function brokerRoutes(state: BrokerState): SimRoute[] {
  const route = (method: string, template: string, handle: JsonRoute["handle"]): JsonRoute => ({
    method,
    template,
    api: "broker",
    handle,
  });
  /** The account in the path, if the calling partner owns it. */
  const own = ({ params, caller }: RouteContext): BrokerAccount => {
    const account = state.accounts.get(params.account_id as string);
    if (!account || account.partnerId !== caller.partnerId) throw fail(404, ErrorCode.notFound, "account not found");
    return account;
  };
  const { book } = state;

  return [
    route("GET", "/v1/accounts", ({ query, caller }) => {
      const tokens = (query.get("query") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      const status = query.get("status");
      const after = query.get("created_after");
      const before = query.get("created_before");
      const list = [...state.accounts.values()].filter((a) => {
        if (a.partnerId !== caller.partnerId) return false;
        if (status && a.status !== status) return false;
        if (after && !(a.created_at >= new Date(after).toISOString())) return false;
        if (before && !(a.created_at <= new Date(before).toISOString())) return false;
        const haystack = [a.account_number, a.contact.email_address, a.identity.given_name, a.identity.family_name]
          .join(" ")
          .toLowerCase();
        return tokens.every((t) => haystack.includes(t));
      });
      list.sort((x, y) => (x.created_at < y.created_at ? -1 : 1));
      if ((query.get("sort") ?? "desc") === "desc") list.reverse();
      return ok(list.map((a) => accountDetails(a, book)));
    }),
    route("POST", "/v1/accounts", ({ req, caller }) => {
      const account = newAccount(req.json, caller.partnerId as string, state.accounts);
      state.accounts.set(account.id, account);
      book.openAccount(account.id, 0);
      state.setStatus(account, "SUBMITTED");
      const answer = accountBody(account, book);
      // KYC completes right after the answer, as a sandbox account does: the status stream shows it.
      setImmediate(() => {
        state.setStatus(account, "APPROVED");
        state.setStatus(account, "ACTIVE");
      });
      return ok(answer);
    }),
    route("GET", "/v1/accounts/{account_id}", (context) => ok(accountDetails(own(context), book))),

    route("GET", "/v1/trading/accounts/{account_id}/orders", (context) => {
      const { query } = context;
      return ok(
        book.list(own(context).id, {
          status: query.get("status"),
          limit: query.get("limit"),
          after: query.get("after"),
          until: query.get("until"),
          direction: query.get("direction"),
          symbols: query.get("symbols"),
        }),
      );
    }),
    route("POST", "/v1/trading/accounts/{account_id}/orders", (context) => {
      const account = own(context);
      if (account.status !== "ACTIVE") throw fail(403, ErrorCode.forbidden, `account is ${account.status}, not ACTIVE`);
      const order = book.create(account.id, context.req.json ?? badBody(), { broker: true });
      state.onOrderCreated();
      return ok(order);
    }),
    route("DELETE", "/v1/trading/accounts/{account_id}/orders", (context) => ok(book.cancelAll(own(context).id), 207)),
    route("GET", "/v1/trading/accounts/{account_id}/orders/{order_id}", (context) =>
      ok(book.get(own(context).id, context.params.order_id as string)),
    ),
    route("PATCH", "/v1/trading/accounts/{account_id}/orders/{order_id}", (context) =>
      ok(book.replace(own(context).id, context.params.order_id as string, context.req.json ?? badBody())),
    ),
    route("DELETE", "/v1/trading/accounts/{account_id}/orders/{order_id}", (context) => {
      book.cancel(own(context).id, context.params.order_id as string);
      return noContent();
    }),
    route("GET", "/v1/trading/accounts/{account_id}/positions", (context) => ok(book.positions(own(context).id))),
    route("DELETE", "/v1/trading/accounts/{account_id}/positions", (context) =>
      ok(book.closeAllPositions(own(context).id, context.query.get("cancel_orders") === "true"), 207),
    ),
    route("GET", "/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", (context) =>
      ok(book.position(own(context).id, context.params.symbol_or_asset_id as string)),
    ),
    route("DELETE", "/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", (context) =>
      ok(
        book.closePosition(
          own(context).id,
          context.params.symbol_or_asset_id as string,
          context.query.get("qty"),
          context.query.get("percentage"),
        ),
      ),
    ),

    {
      method: "GET",
      template: "/v1/events/accounts/status",
      api: "broker",
      stream: ({ query, req }, res, headers) => {
        const bounds = { ...legacyBounds(query), ...(query.get("id") ? { accountId: query.get("id") as string } : {}) };
        stream(
          state,
          req.path,
          res,
          headers,
          state.statusLog,
          bounds,
          (e) => ({
            account_id: e.accountId,
            account_number: e.payload.account_number,
            at: e.at.toISOString(),
            event_id: e.seq,
            event_ulid: e.ulid,
            status_from: e.payload.status_from,
            status_to: e.payload.status_to,
          }),
          (e) => String(e.seq),
        );
      },
    },
    {
      method: "GET",
      template: "/v1/events/trades",
      api: "broker",
      stream: ({ query, req }, res, headers) => {
        if (state.legacyTradeEvents() === "gone") {
          res.writeHead(410, { "content-type": "application/json; charset=utf-8", ...headers });
          res.end(
            JSON.stringify({
              code: ErrorCode.gone,
              message: "legacy trade events are not available; use /v2/events/trades",
            }),
          );
          return;
        }
        stream(
          state,
          req.path,
          res,
          headers,
          state.tradeLog,
          legacyBounds(query),
          (e) => ({
            ...tradeEventBody(e),
            event_id: e.seq,
            event_ulid: e.ulid,
          }),
          (e) => String(e.seq),
        );
      },
    },
    {
      method: "GET",
      template: "/v2/events/trades",
      api: "broker",
      stream: ({ query, req }, res, headers) => {
        const bounds: StreamBounds = { ...dateBounds(query) };
        const sinceId = query.get("since_id");
        const untilId = query.get("until_id");
        if (sinceId !== null) bounds.sinceUlid = ulidParam("since_id", sinceId);
        if (untilId !== null) bounds.untilUlid = ulidParam("until_id", untilId);
        if (bounds.untilUlid !== undefined && bounds.sinceUlid === undefined)
          throw invalid("since_id is required with until_id", 400);
        if (bounds.sinceUlid !== undefined && bounds.sinceTime !== undefined)
          throw invalid("since and since_id cannot be combined", 400);
        stream(
          state,
          req.path,
          res,
          headers,
          state.tradeLog,
          bounds,
          (e) => ({
            ...tradeEventBody(e),
            event_id: e.ulid,
          }),
          (e) => e.ulid,
        );
      },
    },
  ];
}

function stream<T>(
  state: BrokerState,
  path: string,
  res: Parameters<typeof streamEvents>[0],
  headers: Record<string, string>,
  log: EventLog<T>,
  bounds: StreamBounds,
  render: (event: LoggedEvent<T>) => unknown,
  idLine: (event: LoggedEvent<T>) => string,
): void {
  const { sse } = state;
  sse.onConnection();
  const disconnectAfter = sse.takeForcedDisconnect(path);
  streamEvents(res, {
    log,
    bounds,
    render,
    ...(sse.idLines ? { idLine } : {}),
    sinceInclusive: sse.sinceInclusive,
    heartbeatMs: sse.heartbeatMs,
    ...(disconnectAfter === undefined ? {} : { disconnectAfter }),
    onForcedDisconnect: sse.onForcedDisconnect,
    headers,
  });
}

function tradeEventBody(e: LoggedEvent<TradeUpdate>): Record<string, unknown> {
  const update = e.payload;
  return {
    account_id: e.accountId,
    at: e.at.toISOString(),
    event: update.event,
    execution_id: executionIdOf(e),
    order: update.order satisfies SimOrder,
    timestamp: update.at.toISOString(),
    ...(update.price === undefined ? {} : { price: update.price, qty: update.qty, position_qty: update.positionQty }),
  };
}

/** A stable execution id per event, so a replayed event is byte-identical to its first delivery. */
const executionIds = new WeakMap<object, string>();
function executionIdOf(e: LoggedEvent<TradeUpdate>): string {
  let id = executionIds.get(e);
  if (!id) {
    id = randomUUID();
    executionIds.set(e, id);
  }
  return id;
}

/** since/until dates plus integer since_id/until_id and since_ulid/until_ulid, with Alpaca's combination rules. */
function legacyBounds(query: URLSearchParams): StreamBounds {
  const bounds: StreamBounds = { ...dateBounds(query) };
  const sinceId = query.get("since_id");
  const untilId = query.get("until_id");
  const sinceUlid = query.get("since_ulid");
  const untilUlid = query.get("until_ulid");
  if (sinceId !== null) bounds.sinceSeq = intParam("since_id", sinceId);
  if (untilId !== null) bounds.untilSeq = intParam("until_id", untilId);
  if (sinceUlid !== null) bounds.sinceUlid = ulidParam("since_ulid", sinceUlid);
  if (untilUlid !== null) bounds.untilUlid = ulidParam("until_ulid", untilUlid);
  const starts = [bounds.sinceTime, bounds.sinceSeq, bounds.sinceUlid].filter((v) => v !== undefined).length;
  if (starts > 1) throw invalid("since, since_id and since_ulid cannot be combined", 400);
  if (bounds.untilSeq !== undefined && bounds.sinceSeq === undefined)
    throw invalid("since_id is required with until_id", 400);
  if (bounds.untilUlid !== undefined && bounds.sinceUlid === undefined)
    throw invalid("since_ulid is required with until_ulid", 400);
  return bounds;
}

function dateBounds(query: URLSearchParams): StreamBounds {
  const since = query.get("since");
  const until = query.get("until");
  if (until !== null && since === null) throw invalid("since is required with until", 400);
  const bounds: StreamBounds = {};
  if (since !== null) bounds.sinceTime = dayStart("since", since);
  if (until !== null) bounds.untilTime = dayStart("until", until) + 86_400_000;
  return bounds;
}

function dayStart(name: string, value: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time)) throw invalid(`invalid ${name} "${value}": expected YYYY-MM-DD`, 400);
  return time;
}

function intParam(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw invalid(`invalid ${name} "${value}": expected an integer event id`, 400);
  return Number(value);
}

function ulidParam(name: string, value: string): string {
  if (!isUlid(value)) throw invalid(`invalid ${name} "${value}": expected a ULID`, 400);
  return value;
}

function badBody(): never {
  throw fail(400, ErrorCode.badBody, "request body must be a JSON object");
}

let accountSequence = 0;

function newAccount(input: unknown, partnerId: string, existing: Map<string, BrokerAccount>): BrokerAccount {
  if (!input || typeof input !== "object") badBody();
  const body = input as Record<string, unknown>;
  const contact = requireObject(body, "contact", ["email_address", "phone_number", "street_address", "city"]);
  const identity = requireObject(body, "identity", [
    "given_name",
    "family_name",
    "date_of_birth",
    "country_of_tax_residence",
    "funding_source",
  ]);
  const disclosures = requireObject(body, "disclosures", [
    "is_control_person",
    "is_affiliated_exchange_or_finra",
    "is_politically_exposed",
    "immediate_family_exposed",
  ]);
  if (!Array.isArray(body.agreements) || body.agreements.length === 0) throw invalid("agreements is required");
  const email = String(contact.email_address).toLowerCase();
  if ([...existing.values()].some((a) => String(a.contact.email_address).toLowerCase() === email)) {
    throw fail(409, ErrorCode.conflict, "an account with this email address already exists");
  }
  accountSequence++;
  return {
    id: randomUUID(),
    partnerId,
    account_number: `9${String(Date.now() % 1e8).padStart(8, "0")}${String(accountSequence % 10)}`,
    // Moved to SUBMITTED (and logged) by the route, then through KYC.
    status: "ONBOARDING",
    created_at: new Date().toISOString(),
    contact,
    identity: { ...identity, tax_id: undefined },
    disclosures,
    agreements: body.agreements,
    ...(body.trusted_contact && typeof body.trusted_contact === "object"
      ? { trusted_contact: body.trusted_contact as Record<string, unknown> }
      : {}),
    account_type: typeof body.account_type === "string" ? body.account_type : "trading",
    enabled_assets: Array.isArray(body.enabled_assets) ? (body.enabled_assets as string[]) : ["us_equity"],
  };
}

function requireObject(body: Record<string, unknown>, field: string, required: string[]): Record<string, unknown> {
  const value = body[field];
  if (!value || typeof value !== "object") throw invalid(`${field} is required`);
  for (const key of required) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || inner === null || inner === "") throw invalid(`${field}.${key} is required`);
  }
  return value as Record<string, unknown>;
}

/** The Account body of POST /v1/accounts. */
function accountBody(a: BrokerAccount, book: OrderBook): Record<string, unknown> {
  return {
    id: a.id,
    account_number: a.account_number,
    status: a.status,
    crypto_status: a.enabled_assets.includes("crypto") ? a.status : "INACTIVE",
    currency: "USD",
    last_equity: String(Math.round(book.equity(a.id) * 100) / 100),
    created_at: a.created_at,
    account_type: a.account_type,
    enabled_assets: a.enabled_assets,
    contact: a.contact,
    identity: a.identity,
    disclosures: a.disclosures,
    agreements: a.agreements,
    ...(a.trusted_contact ? { trusted_contact: a.trusted_contact } : {}),
  };
}

/** The extended body of GET /v1/accounts and GET /v1/accounts/{account_id}. */
function accountDetails(a: BrokerAccount, book: OrderBook): Record<string, unknown> {
  return {
    ...accountBody(a, book),
    account_name: `${a.identity.given_name} ${a.identity.family_name}`,
    ...(a.status === "ACTIVE" ? { kyc_results: { summary: "pass" } } : {}),
  };
}
