/**
 * US equity session times in New York wall-clock time: pre-market 04:00–09:30, core 09:30–16:00,
 * post-market 16:00–20:00, Monday to Friday. Exchange holidays are not modelled. Offsets (EST/EDT) come
 * from Intl, so the answers are right across daylight-saving changes.
 */

export const NEW_YORK = "America/New_York";

export type Phase = "closed" | "pre" | "core" | "post";

const SESSIONS: readonly { phase: Exclude<Phase, "closed">; start: string; end: string }[] = [
  { phase: "pre", start: "04:00", end: "09:30" },
  { phase: "core", start: "09:30", end: "16:00" },
  { phase: "post", start: "16:00", end: "20:00" },
];

const DAY_MS = 86_400_000;

/** Minutes east of UTC of `timeZone` at `instant`. */
export function zoneOffsetMinutes(instant: Date, timeZone: string = NEW_YORK): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The New York calendar date (YYYY-MM-DD) of an instant. */
export function newYorkDate(instant: Date): string {
  return new Date(instant.getTime() + zoneOffsetMinutes(instant) * 60_000).toISOString().slice(0, 10);
}

/** The instant of a New York wall-clock time on a date. */
export function newYorkInstant(date: string, time: string): Date {
  const naive = Date.parse(`${date}T${time}:00Z`);
  // Two rounds settle the offset even when the guess lands across a DST switch.
  let instant = naive - zoneOffsetMinutes(new Date(naive)) * 60_000;
  instant = naive - zoneOffsetMinutes(new Date(instant)) * 60_000;
  return new Date(instant);
}

/** RFC 3339 with the zone's offset, e.g. 2024-03-11T09:30:00-04:00 (or Z for UTC). */
export function formatInZone(instant: Date, timeZone: string = NEW_YORK): string {
  if (timeZone === "UTC") return `${instant.toISOString().slice(0, 19)}Z`;
  const offset = zoneOffsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const isTradingDay = (date: string): boolean => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

export const nextTradingDay = (date: string): string => {
  let next = addDays(date, 1);
  while (!isTradingDay(next)) next = addDays(next, 1);
  return next;
};

/** Trading days from `start` to `end` inclusive (both YYYY-MM-DD), at most `max` of them. */
export function tradingDays(start: string, end: string, max = 400): string[] {
  const days: string[] = [];
  for (let day = start; day <= end && days.length < max; day = addDays(day, 1)) {
    if (isTradingDay(day)) days.push(day);
  }
  return days;
}

export interface SessionDay {
  date: string;
  settlementDate: string;
  pre: [Date, Date];
  core: [Date, Date];
  post: [Date, Date];
}

export function sessionDay(date: string): SessionDay {
  const span = (phase: Exclude<Phase, "closed">): [Date, Date] => {
    const session = SESSIONS.find((s) => s.phase === phase) as (typeof SESSIONS)[number];
    return [newYorkInstant(date, session.start), newYorkInstant(date, session.end)];
  };
  return { date, settlementDate: nextTradingDay(date), pre: span("pre"), core: span("core"), post: span("post") };
}

export interface MarketClockState {
  isMarketDay: boolean;
  phase: Phase;
  phaseUntil: Date;
  nextOpen: Date;
  nextClose: Date;
}

/** Where the US market stands at `now`: its phase, when that phase ends, and the next core open/close. */
export function marketClock(now: Date): MarketClockState {
  const today = newYorkDate(now);
  const isMarketDay = isTradingDay(today);
  const t = now.getTime();
  let phase: Phase = "closed";
  let phaseUntil: Date | undefined;
  if (isMarketDay) {
    const day = sessionDay(today);
    for (const [name, [start, end]] of [
      ["pre", day.pre],
      ["core", day.core],
      ["post", day.post],
    ] as const) {
      if (t >= start.getTime() && t < end.getTime()) {
        phase = name;
        phaseUntil = end;
      }
    }
  }
  // Next core open/close strictly after now, scanning forward over weekends.
  let nextOpen: Date | undefined;
  let nextClose: Date | undefined;
  let nextPreStart: Date | undefined;
  for (let day = today, i = 0; i < 10 && !(nextOpen && nextClose && nextPreStart); day = addDays(day, 1), i++) {
    if (!isTradingDay(day)) continue;
    const session = sessionDay(day);
    if (!nextOpen && session.core[0].getTime() > t) nextOpen = session.core[0];
    if (!nextClose && session.core[1].getTime() > t) nextClose = session.core[1];
    if (!nextPreStart && session.pre[0].getTime() > t) nextPreStart = session.pre[0];
  }
  return {
    isMarketDay,
    phase,
    phaseUntil: phaseUntil ?? (nextPreStart as Date),
    nextOpen: nextOpen as Date,
    nextClose: nextClose as Date,
  };
}
