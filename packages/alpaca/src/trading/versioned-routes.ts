/**
 * Hand-written (not generated). The legacy /v2/clock and /v2/calendar keep working after Alpaca retires
 * them: when v2 answers 410 Gone or 404, the call goes to the v3 successor for the NYSE market and the v3
 * body is adapted to the v2 shape, so callers keep the v2 types and those types stay true. A v3 body that
 * lacks what the v2 shape needs is refused (MalformedResponseError naming the field), never passed off as
 * v2. The manifest declares no path rewrite for these routes because the bodies differ in shape (see
 * specs/alpaca/broker.yaml); this module is that mapping.
 *
 * Mapping (v3 → v2), for market NYSE (MIC XNYS), New York time:
 *   clock     timestamp → timestamp, phase === "core" → is_open, next_market_open → next_open,
 *             next_market_close → next_close
 *   calendar  date, settlement_date as is; core_start/core_end → open/close ("HH:MM");
 *             pre_start/post_end → session_open/session_close ("HHMM")
 * Refused: calendar `date_type=SETTLEMENT` (v3 selects by trading date only), with a ConfigError.
 */
import { ConfigError, MalformedResponseError } from "@brokerkit/middleware";
import type { TradingClient, TradingOperations, TradingSchemas } from "../generated/trading/index.js";
import { httpErrorOf } from "../shared/http-error.js";

export type LegacyClock = TradingSchemas["LegacyClock"];
export type LegacyCalendarDay = TradingSchemas["LegacyCalendarDay"];
export type LegacyCalendarQuery = NonNullable<TradingOperations["getLegacyCalendar"]["parameters"]["query"]>;

/** The market the legacy routes describe: the US equity market, NYSE. */
export const LEGACY_MARKET = { acronym: "NYSE", mic: "XNYS", timezone: "America/New_York" } as const;

/** Statuses with which Alpaca answers a retired route. */
const RETIRED_STATUSES = new Set([404, 410]);

/** Retired legacy routes per client, so later calls go to v3 at once instead of spending a request on v2. */
const retiredRoutes = new WeakMap<object, Set<string>>();

export interface LegacyRouteOptions {
  signal?: AbortSignal;
}

export interface LegacyResult<T> {
  data: T;
  /** The route that answered: the legacy one, or its v3 successor (adapted). */
  servedBy: string;
}

/** GET /v2/clock, served by /v3/clock (NYSE) once /v2/clock is retired. */
export async function getLegacyClock(
  client: TradingClient,
  options: LegacyRouteOptions = {},
): Promise<LegacyResult<LegacyClock>> {
  const init = options.signal ? { signal: options.signal } : {};
  if (!isRetired(client, "/v2/clock")) {
    const { data, error, response } = await client.GET("/v2/clock", init);
    if (data !== undefined) return { data, servedBy: "/v2/clock" };
    if (!RETIRED_STATUSES.has(response.status)) throw httpErrorOf("GET /v2/clock", response, error);
    markRetired(client, "/v2/clock");
  }
  const { data, error, response } = await client.GET("/v3/clock", {
    params: { query: { markets: LEGACY_MARKET.acronym } },
    ...init,
  });
  if (data === undefined) throw httpErrorOf("GET /v3/clock", response, error);
  return { data: legacyClockFromV3(data), servedBy: "/v3/clock" };
}

/** GET /v2/calendar, served by /v3/calendar/NYSE once /v2/calendar is retired. */
export async function getLegacyCalendar(
  client: TradingClient,
  query: LegacyCalendarQuery = {},
  options: LegacyRouteOptions = {},
): Promise<LegacyResult<LegacyCalendarDay[]>> {
  const init = options.signal ? { signal: options.signal } : {};
  if (!isRetired(client, "/v2/calendar")) {
    const { data, error, response } = await client.GET("/v2/calendar", { params: { query }, ...init });
    if (data !== undefined) return { data, servedBy: "/v2/calendar" };
    if (!RETIRED_STATUSES.has(response.status)) throw httpErrorOf("GET /v2/calendar", response, error);
    markRetired(client, "/v2/calendar");
  }
  if (query.date_type === "SETTLEMENT") {
    throw new ConfigError(
      "getLegacyCalendar: /v2/calendar is retired and its successor /v3/calendar/{market} selects days by trading date only, so date_type=SETTLEMENT cannot be served; call /v3/calendar/{market} and filter on settlement_date",
    );
  }
  const v3Query = {
    ...(query.start === undefined ? {} : { start: marketDate(query.start, "start") }),
    ...(query.end === undefined ? {} : { end: marketDate(query.end, "end") }),
  };
  const { data, error, response } = await client.GET("/v3/calendar/{market}", {
    params: { path: { market: LEGACY_MARKET.acronym }, query: v3Query },
    ...init,
  });
  if (data === undefined) throw httpErrorOf(`GET /v3/calendar/${LEGACY_MARKET.acronym}`, response, error);
  return { data: legacyCalendarFromV3(data), servedBy: `/v3/calendar/${LEGACY_MARKET.acronym}` };
}

/** The v2 clock from a /v3/clock body: the NYSE clock, with is_open = (phase === "core"). */
export function legacyClockFromV3(body: TradingSchemas["ClockResponse"]): LegacyClock {
  const clocks: unknown = (body as { clocks?: unknown }).clocks;
  if (!Array.isArray(clocks)) refuse("/v3/clock", "clocks", "is not an array");
  const clock = clocks.find((c) => isLegacyMarket((c as { market?: unknown } | null)?.market)) as
    | Record<string, unknown>
    | undefined;
  if (!clock) refuse("/v3/clock", "clocks[].market", `has no ${LEGACY_MARKET.acronym} (${LEGACY_MARKET.mic}) clock`);
  return {
    timestamp: requireText(clock, "timestamp", "/v3/clock"),
    is_open: requireText(clock, "phase", "/v3/clock") === "core",
    next_open: requireText(clock, "next_market_open", "/v3/clock"),
    next_close: requireText(clock, "next_market_close", "/v3/clock"),
  };
}

/** The v2 calendar from a /v3/calendar/{market} body (NYSE), session times as New York "HH:MM" / "HHMM". */
export function legacyCalendarFromV3(body: TradingSchemas["CalendarResponse"]): LegacyCalendarDay[] {
  const route = `/v3/calendar/${LEGACY_MARKET.acronym}`;
  if (!isLegacyMarket((body as { market?: unknown }).market)) {
    refuse(route, "market", `is not ${LEGACY_MARKET.acronym} (${LEGACY_MARKET.mic})`);
  }
  const days: unknown = (body as { calendar?: unknown }).calendar;
  if (!Array.isArray(days)) refuse(route, "calendar", "is not an array");
  return days.map((entry: unknown, index) => {
    const day = (entry ?? {}) as Record<string, unknown>;
    const at = (field: string) => requireText(day, field, route, `calendar[${index}].`);
    return {
      date: at("date"),
      open: newYorkTime(at("core_start"), ":", route, `calendar[${index}].core_start`),
      close: newYorkTime(at("core_end"), ":", route, `calendar[${index}].core_end`),
      session_open: newYorkTime(at("pre_start"), "", route, `calendar[${index}].pre_start`),
      session_close: newYorkTime(at("post_end"), "", route, `calendar[${index}].post_end`),
      settlement_date: at("settlement_date"),
    };
  });
}

function isRetired(client: object, route: string): boolean {
  return retiredRoutes.get(client)?.has(route) ?? false;
}

function markRetired(client: object, route: string): void {
  const routes = retiredRoutes.get(client) ?? new Set<string>();
  routes.add(route);
  retiredRoutes.set(client, routes);
}

function isLegacyMarket(market: unknown): boolean {
  if (!market || typeof market !== "object") return false;
  const { acronym, mic } = market as { acronym?: unknown; mic?: unknown };
  return acronym === LEGACY_MARKET.acronym || mic === LEGACY_MARKET.mic;
}

function requireText(object: Record<string, unknown>, field: string, route: string, prefix = ""): string {
  const value = object[field];
  if (typeof value !== "string" || value === "") refuse(route, `${prefix}${field}`, "is missing");
  return value;
}

function refuse(route: string, field: string, problem: string): never {
  throw new MalformedResponseError(
    `GET ${route}: ${field} ${problem}, so the answer cannot be adapted to the legacy v2 shape`,
    { method: "GET" },
  );
}

const newYorkClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: LEGACY_MARKET.timezone,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const newYorkDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: LEGACY_MARKET.timezone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** An RFC 3339 instant as New York wall-clock time, "HH:MM" or "HHMM". */
function newYorkTime(instant: string, separator: string, route: string, field: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) refuse(route, field, `("${instant}") is not an RFC 3339 time`);
  const parts = newYorkClock.formatToParts(time);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("hour")}${separator}${part("minute")}`;
}

/** A v2 start/end (date or date-time) as the New York trading date v3 takes. */
function marketDate(value: string, name: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new ConfigError(
      `getLegacyCalendar: query.${name} "${value}" is neither a date (YYYY-MM-DD) nor an RFC 3339 time`,
    );
  }
  return newYorkDay.format(time);
}
