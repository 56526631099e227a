/**
 * The Lua scripts that make each store operation one atomic step inside Redis. Times come from
 * Redis's own clock (TIME), so processes on different machines agree on every window.
 *
 * A bucket is a sorted set of the calls occupying its window: member = the call's id, score = the
 * instant (Redis ms) at which it stops counting; plus a pause key whose TTL is the server-imposed
 * pause. Same rule as the in-process throttle (sliding-window.ts): a call counts from its admission
 * until `windowMs` after it settles, or until `admission + maxTransitMs + windowMs` if it never does.
 */
import { createHash } from "node:crypto";
import type { LuaScript } from "./connection.js";

function lua(name: string, source: string): LuaScript {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/** A bucket unused this long is forgotten; its next use counts as a cold start. One week. */
const EPOCH_TTL_MS = 7 * 24 * 3_600_000;

const NOW_MS = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
`;

/**
 * KEYS: per bucket its slots set, pause key and epoch key. ARGV: call id, hold-on-cold-start flag (1/0),
 * then per bucket limit, windowMs, maxTransitMs, cost and weighted flag (1/0). Takes a place in every
 * bucket, or none: returns {1} when admitted, else {0, waitMs, index of the bucket that blocks longest}.
 * waitMs is a lower bound of the time until that bucket can have room: a call still in flight that
 * settles at t ≥ now ends at t + windowMs ≥ now + windowMs.
 *
 * A weighted bucket's limit counts weight: its members are `id|cost`, and the weight in the window is the
 * sum of their costs. A bucket that counts calls keeps one member per call, named by the id alone.
 *
 * Cold start: a bucket without its epoch key has no record in this Redis (first use, idle for a week,
 * or Redis lost its data in a restart). Calls admitted before a data loss may still count at the
 * broker, so with the flag set the bucket is paused for one full occupancy: min(maxTransitMs, windowMs)
 * + windowMs (calls in flight during the loss are assumed to arrive within one window).
 */
export const ACQUIRE = lua(
  "acquire",
  `${NOW_MS}
local buckets = #KEYS / 3
local hold = ARGV[2] == '1'
local wait, blocking = 0, 0
for i = 1, buckets do
  local slots, pause, epoch = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local base = 2 + 5 * (i - 1)
  local limit = tonumber(ARGV[base + 1])
  local window = tonumber(ARGV[base + 2])
  local transit = tonumber(ARGV[base + 3])
  local cost = tonumber(ARGV[base + 4])
  local weighted = ARGV[base + 5] == '1'
  if redis.call('SET', epoch, '1', 'PX', ${EPOCH_TTL_MS}, 'XX') == false then
    redis.call('SET', epoch, '1', 'PX', ${EPOCH_TTL_MS})
    -- Calls in flight when Redis lost its data are assumed to arrive within one window.
    local occupancy = math.ceil(math.min(transit, window) + window)
    if hold and redis.call('PTTL', pause) < occupancy then redis.call('SET', pause, '1', 'PX', occupancy) end
  end
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  local w = redis.call('PTTL', pause)
  if w < 0 then w = 0 end
  if weighted then
    local all = redis.call('ZRANGE', slots, 0, -1, 'WITHSCORES')
    local used = 0
    for j = 1, #all, 2 do used = used + (tonumber(string.match(all[j], '|(%d+)$')) or 1) end
    local excess = used + cost - limit
    if excess > 0 then
      local freed = 0
      for j = 1, #all, 2 do
        freed = freed + (tonumber(string.match(all[j], '|(%d+)$')) or 1)
        if freed >= excess then
          w = math.max(w, math.min(tonumber(all[j + 1]) - now, window))
          break
        end
      end
    end
  else
    local count = redis.call('ZCARD', slots)
    if count >= limit then
      local leaving = redis.call('ZRANGE', slots, count - limit, count - limit, 'WITHSCORES')
      w = math.max(w, math.min(tonumber(leaving[2]) - now, window))
    end
  end
  if w > wait then wait, blocking = w, i end
end
if wait > 0 then return {0, math.ceil(wait), blocking} end
for i = 1, buckets do
  local base = 2 + 5 * (i - 1)
  local window = tonumber(ARGV[base + 2])
  local transit = tonumber(ARGV[base + 3])
  local member = ARGV[1]
  if ARGV[base + 5] == '1' then member = member .. '|' .. ARGV[base + 4] end
  redis.call('ZADD', KEYS[3 * i - 2], now + transit + window, member)
  redis.call('PEXPIRE', KEYS[3 * i - 2], math.ceil(transit + window) + 1000)
end
return {1}
`,
);

/**
 * KEYS: slots sets. ARGV: per bucket its member (the call id, `id|cost` in a weighted bucket) and windowMs.
 * The call answered: it counts until now + windowMs at most.
 */
export const SETTLE = lua(
  "settle",
  `${NOW_MS}
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', 'LT', now + tonumber(ARGV[2 * i]), ARGV[2 * i - 1])
end
return 1
`,
);

/** KEYS: slots sets. ARGV: per bucket its member. The call was admitted but never sent (aborted meanwhile). */
export const RELEASE = lua(
  "release",
  `for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[i]) end
return 1
`,
);

/** KEYS: pause keys. ARGV: durationMs. Pauses never shorten an existing pause. */
export const PAUSE = lua(
  "pause",
  `local ms = tonumber(ARGV[1])
for i = 1, #KEYS do
  if redis.call('PTTL', KEYS[i]) < ms then redis.call('SET', KEYS[i], '1', 'PX', ms) end
end
return 1
`,
);

/**
 * KEYS: lock, floor. ARGV: holder token, ttlMs. SET NX PX, made idempotent (a command replayed after a
 * reconnect finds its own token). Returns {1, floorMs} when held, {0} when another process holds it.
 */
export const LOCK_ACQUIRE = lua(
  "lock-acquire",
  `local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif holder then
  return {0}
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
local floor = redis.call('PTTL', KEYS[2])
if floor < 0 then floor = 0 end
return {1, floor}
`,
);

/** KEYS: lock. ARGV: holder token, ttlMs. Extends the lock only while this holder still has it. */
export const LOCK_RENEW = lua(
  "lock-renew",
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

/**
 * KEYS: lock, floor. ARGV: holder token, floorMs. Deletes the lock only if this holder still has it
 * (it may have expired and gone to another process); starts the shared floor after an exchange.
 */
export const LOCK_RELEASE = lua(
  "lock-release",
  `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local floor = tonumber(ARGV[2])
if floor > 0 then redis.call('SET', KEYS[2], '1', 'PX', floor) end
return 1
`,
);
