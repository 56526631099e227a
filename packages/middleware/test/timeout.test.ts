/**
 * Per-attempt deadlines against a real 127.0.0.1 server: slow answers time out, quick ones do not,
 * the caller's abort wins, and a live event stream is not cut at the deadline.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, type SimRequest, sendJson, startServer } from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import { TimeoutError } from "../src/errors.js";
import { timeout } from "../src/timeout.js";
import type { CallContext, Handler } from "../src/types.js";

const servers: RunningServer[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(answer: (req: SimRequest, res: ServerResponse) => void) {
  const running = await startServer(answer);
  servers.push(running);
  return running;
}

function client(timeoutMs: number): Handler {
  return compose(fromFetch(), [timeout({ timeoutMs })]);
}

const after = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));

/** Sends `count` server-sent events, one every `everyMs`, then ends the stream. */
function streamEvents(res: ServerResponse, contentType: string, count: number, everyMs: number) {
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache" });
  let sent = 0;
  const timer = setInterval(() => {
    res.write(`data: ${sent}\n\n`);
    if (++sent === count) {
      clearInterval(timer);
      res.end();
    }
  }, everyMs);
  timers.push(timer);
}

describe("timeout", () => {
  it("a server slower than the deadline gives a TimeoutError naming method, redacted URL and ms", async () => {
    const running = await server((_, res) => after(2000, () => sendJson(res, 200, {})));
    const error = await client(150)(new Request(`${running.url}/v2/orders?token=s3cr3t-value&limit=5`), {
      attempt: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(150);
    expect(error.method).toBe("GET");
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/orders\?token=\[REDACTED\]&limit=5 timed out after 150 ms/,
    );
    expect(error.url).not.toMatch(/s3cr3t/);
  });

  it("a quick answer passes, its body is readable, and the deadline is released once it is read", async () => {
    const running = await server((_, res) => sendJson(res, 200, { ok: true }));
    let attemptSignal: AbortSignal | undefined;
    const handler = compose(fromFetch(), [
      timeout({ timeoutMs: 100 }),
      (next) => (request, context) => {
        attemptSignal = context.signal;
        return next(request, context);
      },
    ]);
    const context: CallContext = { attempt: 1 };
    const response = await handler(new Request(`${running.url}/quick`), context);
    expect(await response.json()).toEqual({ ok: true });
    expect(context.signal).toBeUndefined();
    // Had the deadline stayed armed, it would abort the attempt's signal at 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(attemptSignal?.aborted).toBe(false);
  });

  it("the deadline also covers reading the body", async () => {
    const running = await server((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
      after(2000, () => res.end("1}"));
    });
    const response = await client(200)(new Request(`${running.url}/dribble`), { attempt: 1 });
    const error = await response.json().catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/while reading the response body/);
  });

  it("a caller abort wins over the deadline and keeps the caller's reason", async () => {
    const running = await server((_, res) => after(2000, () => sendJson(res, 200, {})));
    const controller = new AbortController();
    const reason = new Error("caller stopped");
    after(50, () => controller.abort(reason));
    const pending = client(1000)(new Request(`${running.url}/slow`, { signal: controller.signal }), { attempt: 1 });
    await expect(pending).rejects.toBe(reason);
  });

  it("a text/event-stream answer to a plain operation is still bounded: the header does not switch the deadline off", async () => {
    // Before the fix the content type alone exempted the answer, so a mislabelled body that stalled hung the call.
    const running = await server((_, res) => streamEvents(res, "text/event-stream", 100, 50));
    const response = await client(150)(new Request(`${running.url}/stream`), { attempt: 1 });
    const error = await response.text().catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 150 ms while reading the response body/);
  });

  it("an operation flagged as a stream outlives the deadline whatever its content type", async () => {
    const running = await server((_, res) => streamEvents(res, "application/octet-stream", 6, 50));
    const context: CallContext = {
      attempt: 1,
      operation: { method: "GET", template: "/stream", path: "/stream", params: {}, flags: { stream: true } },
    };
    const response = await client(120)(new Request(`${running.url}/stream`), context);
    expect((await response.text()).match(/data: \d+/g)).toHaveLength(6);
  });

  it("the caller can still end a stream after the headers", async () => {
    const running = await server((_, res) => streamEvents(res, "text/event-stream", 100, 20));
    const controller = new AbortController();
    const reason = new Error("enough");
    const response = await client(100)(new Request(`${running.url}/stream`, { signal: controller.signal }), {
      attempt: 1,
      operation: { method: "GET", template: "/stream", path: "/stream", params: {}, flags: { stream: true } },
    });
    after(150, () => controller.abort(reason));
    await expect(response.text()).rejects.toBe(reason);
  });
});
