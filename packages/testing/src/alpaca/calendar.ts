/**
 * Bodies of the clock and calendar routes. The legacy forms (/v2/clock, /v2/calendar) and their v3
 * successors describe the same sessions in different shapes:
 *   /v2/clock     { timestamp, is_open, next_open, next_close }
 *   /v3/clock     { clocks: [{ market, timestamp, is_market_day, next_market_open, next_market_close, phase, phase_until }] }
 *   /v2/calendar  [{ date, open "HH:MM", close, session_open "HHMM", session_close, settlement_date }]
 *   /v3/calendar  { market, calendar: [{ date, settlement_date, pre_start, pre_end, core_start, core_end, post_start, post_end }] }
 */
import { MARKETS, type MarketFixture } from "./fixtures.js";
import { addDays, formatInZone, marketClock, NEW_YORK, newYorkDate, sessionDay, tradingDays } from "./market-time.js";
import { invalid } from "./reply.js";

export function legacyClockBody(now: Date): Record<string, unknown> {
  const clock = marketClock(now);
  return {
    timestamp: formatInZone(now),
    is_open: clock.phase === "core",
    next_open: formatInZone(clock.nextOpen),
    next_close: formatInZone(clock.nextClose),
  };
}

export function clockBody(now: Date, marketsParam: string | null): Record<string, unknown> {
  const codes = (marketsParam ?? "NYSE")
    .split(",")
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
  const clocks = codes.map((code) => {
    const market = requireMarket(code);
    const clock = marketClock(now);
    return {
      market: marketBody(market),
      timestamp: formatInZone(now),
      is_market_day: clock.isMarketDay,
      next_market_open: formatInZone(clock.nextOpen),
      next_market_close: formatInZone(clock.nextClose),
      phase: clock.phase,
      phase_until: formatInZone(clock.phaseUntil),
    };
  });
  return { clocks };
}

export function legacyCalendarBody(now: Date, start: string | null, end: string | null): Record<string, unknown>[] {
  const { from, to } = dateRange(now, start, end);
  return tradingDays(from, to).map((date) => ({
    date,
    open: "09:30",
    close: "16:00",
    session_open: "0400",
    session_close: "2000",
    settlement_date: sessionDay(date).settlementDate,
  }));
}

export function calendarBody(
  now: Date,
  code: string,
  start: string | null,
  end: string | null,
  timezone: string | null,
) {
  const market = requireMarket(code);
  if (timezone !== null && timezone !== "UTC")
    throw invalid(`invalid timezone "${timezone}": only UTC is supported`, 400);
  const zone = timezone ?? NEW_YORK;
  const { from, to } = dateRange(now, start, end);
  const calendar = tradingDays(from, to).map((date) => {
    const day = sessionDay(date);
    return {
      date,
      settlement_date: day.settlementDate,
      pre_start: formatInZone(day.pre[0], zone),
      pre_end: formatInZone(day.pre[1], zone),
      core_start: formatInZone(day.core[0], zone),
      core_end: formatInZone(day.core[1], zone),
      post_start: formatInZone(day.post[0], zone),
      post_end: formatInZone(day.post[1], zone),
    };
  });
  return { market: marketBody(market), calendar };
}

function requireMarket(code: string): MarketFixture {
  const market = MARKETS[code];
  if (!market)
    throw invalid(`market "${code}" is not served by this simulator (known: ${Object.keys(MARKETS).join(", ")})`, 400);
  return market;
}

const marketBody = (m: MarketFixture) => ({ acronym: m.acronym, name: m.name, timezone: m.timezone, mic: m.mic });

/** YYYY-MM-DD bounds; dates or date-times accepted; default: today and the next 30 days. */
function dateRange(now: Date, start: string | null, end: string | null): { from: string; to: string } {
  const from = start ? dateOf(start, "start") : newYorkDate(now);
  const to = end ? dateOf(end, "end") : addDays(from, 30);
  if (to < from) throw invalid("end must not be before start", 400);
  return { from, to };
}

function dateOf(value: string, name: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid(`invalid ${name} "${value}": expected YYYY-MM-DD or RFC 3339`, 400);
  return newYorkDate(new Date(time));
}
