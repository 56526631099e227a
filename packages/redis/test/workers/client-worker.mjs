// A worker process of the multi-process tests: one brokerkit client sharing its throttle and token
// through Redis (`store: redisStore(...)`), against the simulator the parent test runs. Plain ESM on
// the built packages, so that it runs as a real Node process (`child_process.fork`).
// Parameters come as JSON in BROKERKIT_WORKER; it says "ready", waits for "go", makes `calls` calls
// at once, and reports the outcome counts. It tells the parent when it starts a token exchange.
import { createBrokerClient } from "@brokerkit/middleware";
import { redisStore } from "../../dist/index.js";

const params = JSON.parse(process.env.BROKERKIT_WORKER ?? "{}");
const send = (message) => process.send?.(message);

/** A hand-written ALOR-like API: refresh-exchange auth, one rate limit per user, one operation. */
const config = {
  broker: "alor",
  api: "warp",
  environments: { sim: { servers: { api: params.apiUrl, oauth: params.apiUrl } } },
  server: "api",
  auth: [
    {
      name: "refresh",
      kind: "refresh-exchange",
      tokenUrl: "{oauth}/refresh",
      tokenIn: "query",
      accessTokenField: "AccessToken",
      defaultLifetimeMs: 30 * 60_000,
      skewMs: 60_000,
      minIntervalMs: 1_000,
    },
  ],
  rateLimits: [{ name: "user", limit: params.limit ?? 100, intervalMs: params.intervalMs ?? 1_000 }],
  routes: [],
  retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 },
  timeoutMs: 10_000,
  operations: [["GET", "/md/v2/time"]],
};

const store = redisStore({
  url: params.redisUrl,
  encryptionKey: params.encryptionKey,
  lockTimeoutMs: params.lockTimeoutMs,
  keyPrefix: params.keyPrefix,
});
const client = createBrokerClient(config, {
  environment: "sim",
  credentials: { refreshToken: params.refreshToken },
  store,
  retry: false,
  observer: (event) => {
    if (event.type === "token.refresh") send({ type: "refreshing", pid: process.pid });
  },
});

process.once("message", async (message) => {
  if (message?.type !== "go") return;
  const outcomes = {};
  const count = (key) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  await Promise.all(
    Array.from({ length: params.calls ?? 1 }, async () => {
      try {
        const { response } = await client.GET("/md/v2/time");
        count(`status ${response.status}`);
      } catch (error) {
        count(`${error?.name ?? "Error"}: ${error?.message ?? String(error)}`);
      }
    }),
  );
  send({ type: "done", pid: process.pid, outcomes });
  await store.close();
  process.disconnect();
});
send({ type: "ready", pid: process.pid });
