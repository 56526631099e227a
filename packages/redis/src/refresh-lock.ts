/**
 * The token refresh lock: `SET lock <random> NX PX ttl` (in a script, so a command replayed after a
 * reconnect recognises its own hold), renewed every third of the TTL while the holder lives, and
 * released only by the holder (token-checked DEL). A holder that crashes stops renewing, so its
 * lock expires within `ttlMs` and another process takes over. Releasing also starts the shared
 * floor: no process exchanges again sooner than `minIntervalMs` after an exchange ended.
 */
import { randomBytes } from "node:crypto";
import type { HeldRefreshLock, RefreshLock } from "@brokerkit/middleware";
import type { Connection } from "./connection.js";
import { RedisStoreError } from "./errors.js";
import type { TokenKeys } from "./keys.js";
import { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_RENEW } from "./scripts.js";

export class RedisRefreshLock implements RefreshLock {
  constructor(
    private readonly connection: Connection,
    private readonly keys: TokenKeys,
    private readonly ttlMs: number,
  ) {}

  async tryAcquire(): Promise<HeldRefreshLock | undefined> {
    const { connection, keys, ttlMs } = this;
    const holder = randomBytes(16).toString("base64url");
    const reply = await connection.run("refresh lock", () =>
      connection.script(LOCK_ACQUIRE, [keys.lock, keys.floor], [holder, ttlMs]),
    );
    if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1)) {
      throw new RedisStoreError("refresh lock", connection.target, new Error("unexpected reply from the lock script"));
    }
    if (reply[0] === 0) return undefined;
    const renew = setInterval(
      () => {
        connection.script(LOCK_RENEW, [keys.lock], [holder, ttlMs]).catch(() => {});
      },
      Math.max(1, Math.floor(ttlMs / 3)),
    );
    // The renewal must not keep a process alive that has nothing else to do.
    renew.unref();
    let released = false;
    return {
      floorMs: typeof reply[1] === "number" ? reply[1] : 0,
      async release(floorMs) {
        if (released) return;
        released = true;
        clearInterval(renew);
        const floor = floorMs === undefined ? 0 : Math.ceil(floorMs);
        // A lock that cannot be released expires by itself within ttlMs.
        await connection.script(LOCK_RELEASE, [keys.lock, keys.floor], [holder, floor]).catch(() => {});
      },
    };
  }
}
