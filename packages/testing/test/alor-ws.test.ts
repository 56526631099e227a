/**
 * The ALOR simulator's WebSockets, exercised with the `ws` client over real sockets: the data socket's
 * subscribe/confirm/data/unsubscribe cycle and formats, token expiry on new subscriptions, order events
 * from REST, the command socket (authorize, commands, guid deduplication, lost replies, rate limit) and
 * the fault controls (dropAll, silence, flood).
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type AlorSimulator, type AlorSimulatorOptions, startAlorSimulator } from "../src/alor/index.js";

// biome-ignore lint/suspicious/noExplicitAny: frames are ALOR-shaped JSON that the assertions check.
type Frame = any;

const running: AlorSimulator[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function simulator(options?: AlorSimulatorOptions): Promise<AlorSimulator> {
  const sim = await startAlorSimulator(options);
  running.push(sim);
  return sim;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WAIT_MS = 10_000;
const ORDERS = "/commandapi/warptrans/TRADE/v2/client/orders";

async function accessToken(sim: AlorSimulator): Promise<string> {
  const res = await fetch(`${sim.url}/refresh?token=${encodeURIComponent(sim.refreshToken)}`, { method: "POST" });
  expect(res.status).toBe(200);
  return ((await res.json()) as { AccessToken: string }).AccessToken;
}

async function rest(sim: AlorSimulator, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, sim.url), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "x-reqid": randomUUID(),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text) as Frame,
  };
}

/** Resolves once `condition` holds, checking every 10 ms for at most WAIT_MS. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= WAIT_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A `ws` client that records every frame with its arrival time. */
class Client {
  readonly frames: { at: number; frame: Frame }[] = [];
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.frames.push({ at: performance.now(), frame: JSON.parse(data.toString()) }));
    socket.on("close", (code) => {
      this.closeCode = code;
    });
    socket.on("error", () => {});
  }

  static async open(url: string): Promise<Client> {
    const socket = new WebSocket(url);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new Client(socket);
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The answer to request `guid` (the first with that requestGuid after `from` frames). */
  async answer(guid: string, from = 0): Promise<Frame> {
    let found: Frame;
    await until(() => {
      found = this.frames.slice(from).find(({ frame }) => frame.requestGuid === guid)?.frame;
      return found !== undefined;
    }, `the answer to ${guid}`);
    return found;
  }

  data(guid: string): Frame[] {
    return this.frames.filter(({ frame }) => frame.guid === guid && "data" in frame).map(({ frame }) => frame.data);
  }

  async dataCount(guid: string, count: number): Promise<Frame[]> {
    await until(() => this.data(guid).length >= count, `${count} data messages for ${guid}`);
    return this.data(guid);
  }

  /** Sends a request and returns its answer. */
  async request(message: Record<string, unknown>): Promise<Frame> {
    const from = this.frames.length;
    this.send(message);
    return this.answer(message.guid as string, from);
  }
}

async function dataClient(sim: AlorSimulator) {
  return { client: await Client.open(sim.ws.dataUrl), token: await accessToken(sim) };
}

const quotes = (token: string, extra: Record<string, unknown> = {}) => ({
  opcode: "QuotesSubscribe",
  code: "SBER",
  exchange: "MOEX",
  format: "Simple",
  frequency: 25,
  guid: randomUUID(),
  token,
  ...extra,
});

const ordersOf = (token: string, extra: Record<string, unknown> = {}) => ({
  opcode: "OrdersGetAndSubscribeV2",
  portfolio: "D39004",
  exchange: "MOEX",
  guid: randomUUID(),
  token,
  ...extra,
});

const limitOrder = (overrides: Record<string, unknown> = {}) => ({
  side: "buy",
  quantity: 2,
  price: 300,
  instrument: { symbol: "SBER", exchange: "MOEX" },
  user: { portfolio: "D39004" },
  ...overrides,
});

describe("data socket", () => {
  it("confirms a subscription, streams data for its guid, and stops after a confirmed unsubscribe", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const request = quotes(token);
    expect(await client.request(request)).toEqual({
      requestGuid: request.guid,
      httpCode: 200,
      message: "Handled successfully",
    });
    const data = await client.dataCount(request.guid, 3);
    expect(data[0]).toMatchObject({ symbol: "SBER", exchange: "MOEX", last_price: 306.5, bid: 306.49, ask: 306.51 });
    expect(Object.keys(data[0])).not.toContain("currency");

    const live = sim.ws.subscriptions.get(request.guid);
    expect(live).toMatchObject({ opcode: "QuotesSubscribe", format: "Simple", frequency: 25, login: "P039004" });
    expect(live?.params).toMatchObject({ code: "SBER", exchange: "MOEX" });
    expect(live?.params).not.toHaveProperty("token");

    const unsubscribe = await client.request({ opcode: "unsubscribe", guid: request.guid, token });
    expect(unsubscribe).toMatchObject({ requestGuid: request.guid, httpCode: 200 });
    expect(sim.ws.subscriptions.has(request.guid)).toBe(false);
    expect(sim.ws.counters).toMatchObject({ subscribed: 1, unsubscribed: 1 });
    // Data sent before the unsubscribe arrives before its confirmation; nothing may follow it.
    const after = client.data(request.guid).length;
    await sleep(300);
    expect(client.data(request.guid).length).toBe(after);
    expect(await client.request({ opcode: "unsubscribe", guid: request.guid, token })).toMatchObject({ httpCode: 400 });
  });

  it("renders Slim and Heavy shapes and raises a frequency below the format's minimum", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const slimQuote = quotes(token, { format: "Slim", frequency: 1 });
    const heavyQuote = quotes(token, { format: "Heavy", frequency: 100 });
    const slimBook = {
      ...quotes(token, { format: "Slim", opcode: "OrderBookGetAndSubscribe", depth: 3 }),
      guid: randomUUID(),
    };
    const heavyBook = { ...slimBook, format: "Heavy", guid: randomUUID() };
    for (const request of [slimQuote, heavyQuote, slimBook, heavyBook]) {
      expect(await client.request(request)).toMatchObject({ httpCode: 200 });
    }
    expect(sim.ws.subscriptions.get(slimQuote.guid)?.frequency).toBe(10);
    expect(sim.ws.subscriptions.get(heavyQuote.guid)?.frequency).toBe(500);

    const [slim] = await client.dataCount(slimQuote.guid, 1);
    expect(slim).toMatchObject({ sym: "SBER", ex: "MOEX", c: 306.5, bid: 306.49, ask: 306.51, lot: 10 });
    expect(slim).not.toHaveProperty("last_price");
    const [heavy] = await client.dataCount(heavyQuote.guid, 1);
    expect(heavy).toMatchObject({ symbol: "SBER", lastPrice: 306.5, lotSize: 10, currency: "RUB" });
    expect(heavy).not.toHaveProperty("last_price");

    const [book] = await client.dataCount(slimBook.guid, 1);
    expect(Object.keys(book).sort()).toEqual(["a", "b", "h", "t"]);
    expect(book.b).toHaveLength(3);
    expect(book.b[0]).toMatchObject({ p: 306.49 });
    expect(book.a[0]).toMatchObject({ p: 306.51 });
    expect(book.h).toBe(true);
    const [fullBook] = await client.dataCount(heavyBook.guid, 1);
    expect(Object.keys(fullBook).sort()).toEqual(["asks", "bids", "existing", "msTimestamp"]);
  });

  it("refuses bad requests with 400 or 403 naming what is wrong", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [quotes(token, { opcode: "NoSuchOpcode" }), 400, /unknown opcode 'NoSuchOpcode'/],
      [quotes(token, { code: "NOPE" }), 400, /instrument MOEX:NOPE is unknown/],
      [quotes(token, { exchange: undefined }), 400, /field 'exchange' is required/],
      [quotes(token, { format: "Tiny" }), 400, /field 'format' must be one of Simple, Slim, Heavy/],
      [quotes(token, { frequency: "fast" }), 400, /field 'frequency' must be an integer/],
      [ordersOf(token, { portfolio: "SOMEONE" }), 403, /portfolio SOMEONE is not granted/],
    ];
    for (const [request, httpCode, message] of cases) {
      const answer = await client.request(request);
      expect(answer.httpCode).toBe(httpCode);
      expect(answer.message).toMatch(message);
    }
    const from = client.frames.length;
    client.send({ opcode: "QuotesSubscribe", code: "SBER", exchange: "MOEX", token });
    await until(() => client.frames.length > from, "the answer to a request without guid");
    expect(client.frames[from]?.frame).toEqual({
      requestGuid: null,
      httpCode: 400,
      message: "field 'guid' is required",
    });
    expect(sim.ws.subscriptions.size).toBe(0);
  });

  it("streams bars, anonymous trades and instrument parameters, history first", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const now = Math.floor(Date.now() / 1000);
    const bars = quotes(token, { opcode: "BarsGetAndSubscribe", tf: "60", from: now - 600, format: "Slim" });
    const trades = quotes(token, { opcode: "AllTradesGetAndSubscribe", depth: 5 });
    const instrument = quotes(token, { opcode: "InstrumentsGetAndSubscribeV2" });
    for (const request of [bars, trades, instrument]) {
      expect(await client.request(request)).toMatchObject({ httpCode: 200 });
    }
    const history = await client.dataCount(bars.guid, 10);
    expect(Object.keys(history[0]).sort()).toEqual(["c", "h", "l", "o", "t", "v"]);
    expect(history.map((bar: Frame) => bar.t)).toEqual([...history.map((bar: Frame) => bar.t)].sort());
    const lastTrades = await client.dataCount(trades.guid, 5);
    expect(lastTrades.every((trade: Frame) => trade.existing === true && trade.symbol === "SBER")).toBe(true);
    const [info] = await client.dataCount(instrument.guid, 1);
    expect(info).toMatchObject({ symbol: "SBER", board: "TQBR", priceMin: expect.any(Number) });
  });

  it("answers 401 to a new subscription with an expired or unknown token while an older one keeps flowing", async () => {
    const sim = await simulator({ tokenLifetimeMs: 2000 });
    const { client, token } = await dataClient(sim);
    const old = quotes(token);
    expect(await client.request(old)).toMatchObject({ httpCode: 200 });
    await sleep(2200);

    const fresh = quotes(token);
    expect(await client.request(fresh)).toEqual({
      requestGuid: fresh.guid,
      httpCode: 401,
      message: "Invalid JWT token!",
    });
    const forged = quotes(`${token.slice(0, -4)}AAAA`);
    expect(await client.request(forged)).toMatchObject({ httpCode: 401 });
    expect(await client.request(quotes(""))).toMatchObject({ httpCode: 401 });
    // An unsubscribe needs a valid token too; the subscription stays.
    expect(await client.request({ opcode: "unsubscribe", guid: old.guid, token })).toMatchObject({ httpCode: 401 });

    const before = client.data(old.guid).length;
    await client.dataCount(old.guid, before + 3);
    expect(sim.ws.subscriptions.has(old.guid)).toBe(true);
    expect(sim.ws.subscriptions.has(fresh.guid)).toBe(false);
    expect(sim.ws.counters.unauthorized).toBe(4);

    const renewed = await accessToken(sim);
    expect(await client.request({ ...fresh, token: renewed })).toMatchObject({ httpCode: 200 });
  });
});

describe("portfolio events", () => {
  it("pushes an order placed, then cancelled, over REST to OrdersGetAndSubscribeV2", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const simple = ordersOf(token);
    const slim = ordersOf(token, { format: "Slim" });
    for (const request of [simple, slim]) expect(await client.request(request)).toMatchObject({ httpCode: 200 });
    expect(client.data(simple.guid)).toEqual([]);

    const placed = await rest(sim, token, "POST", `${ORDERS}/actions/limit`, limitOrder());
    expect(placed.status).toBe(200);
    const orderId = placed.body.orderNumber;
    const [working] = await client.dataCount(simple.guid, 1);
    expect(working).toMatchObject({ id: orderId, status: "working", price: 300, portfolio: "D39004", existing: false });
    const [slimWorking] = await client.dataCount(slim.guid, 1);
    expect(slimWorking).toMatchObject({ id: orderId, st: "working", px: 300, p: "D39004", h: false, qb: 2 });

    const cancelled = await rest(
      sim,
      token,
      "DELETE",
      `${ORDERS}/${orderId}?exchange=MOEX&portfolio=D39004&stop=false`,
    );
    expect(cancelled.status).toBe(200);
    const events = await client.dataCount(simple.guid, 2);
    expect(events[1]).toMatchObject({ id: orderId, status: "canceled" });

    // A new subscription gets the state first (existing: true), unless it skips history.
    const later = ordersOf(token);
    const skipping = ordersOf(token, { skipHistory: true });
    const filtered = ordersOf(token, { orderStatuses: ["working"] });
    for (const request of [later, skipping, filtered]) {
      expect(await client.request(request)).toMatchObject({ httpCode: 200 });
    }
    const [snapshot] = await client.dataCount(later.guid, 1);
    expect(snapshot).toMatchObject({ id: orderId, status: "canceled", existing: true });
    await sleep(100);
    expect(client.data(skipping.guid)).toEqual([]);
    expect(client.data(filtered.guid)).toEqual([]);
  });

  it("pushes the fill of a market order as order, trade, position and summary events", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const portfolio = { portfolio: "D39004", exchange: "MOEX", skipHistory: true, token };
    const subscriptions = {
      orders: { opcode: "OrdersGetAndSubscribeV2", guid: randomUUID(), ...portfolio },
      trades: { opcode: "TradesGetAndSubscribeV2", guid: randomUUID(), ...portfolio },
      positions: { opcode: "PositionsGetAndSubscribeV2", guid: randomUUID(), ...portfolio },
      summary: { opcode: "SummariesGetAndSubscribeV2", guid: randomUUID(), ...portfolio },
      risk: { opcode: "RisksGetAndSubscribe", guid: randomUUID(), ...portfolio },
    };
    for (const request of Object.values(subscriptions)) {
      expect(await client.request(request)).toMatchObject({ httpCode: 200 });
    }
    const market = await rest(sim, token, "POST", `${ORDERS}/actions/market`, {
      side: "buy",
      quantity: 1,
      instrument: { symbol: "SBER", exchange: "MOEX" },
      user: { portfolio: "D39004" },
    });
    expect(market.status).toBe(200);
    const [order] = await client.dataCount(subscriptions.orders.guid, 1);
    expect(order).toMatchObject({ id: market.body.orderNumber, status: "filled", type: "market" });
    const [trade] = await client.dataCount(subscriptions.trades.guid, 1);
    expect(trade).toMatchObject({ orderno: market.body.orderNumber, price: 306.51, qtyBatch: 1, existing: false });
    const positions = await client.dataCount(subscriptions.positions.guid, 2);
    expect(positions.find((p: Frame) => p.symbol === "SBER")).toMatchObject({ qtyUnits: 110, existing: false });
    expect(positions.find((p: Frame) => p.isCurrency)).toMatchObject({ symbol: "RUB" });
    const [summary] = await client.dataCount(subscriptions.summary.guid, 1);
    expect(summary.buyingPower).toBeCloseTo(1_000_000 - 3065.1, 2);
    await client.dataCount(subscriptions.risk.guid, 1);
  });
});

describe("command socket", () => {
  const create = (token: string, overrides: Record<string, unknown> = {}) => ({
    opcode: "create:limit",
    guid: randomUUID(),
    ...limitOrder(),
    ...overrides,
    token,
  });

  it("refuses commands before authorize, then executes them against the REST trading book", async () => {
    const sim = await simulator();
    const token = await accessToken(sim);
    const client = await Client.open(sim.ws.commandUrl);
    const early = create(token);
    expect(await client.request(early)).toMatchObject({ requestGuid: early.guid, httpCode: 401 });
    expect(sim.orders).toHaveLength(0);
    expect(sim.ws.commandExecutions.has(early.guid)).toBe(false);

    expect(await client.request({ opcode: "authorize", guid: randomUUID(), token })).toMatchObject({ httpCode: 200 });
    const placed = await client.request(early);
    expect(placed).toMatchObject({ requestGuid: early.guid, httpCode: 200, orderNumber: expect.any(String) });
    const listed = await rest(sim, token, "GET", "/md/v2/Clients/MOEX/D39004/orders");
    expect(listed.body).toEqual([expect.objectContaining({ id: placed.orderNumber, status: "working" })]);

    const bad = await client.request(create(token, { quantity: 0 }));
    expect(bad).toMatchObject({ httpCode: 400, message: expect.stringMatching(/quantity/) });

    const cancel = await client.request({
      opcode: "delete:limit",
      guid: randomUUID(),
      orderId: placed.orderNumber,
      exchange: "MOEX",
      user: { portfolio: "D39004" },
    });
    expect(cancel).toMatchObject({ httpCode: 200, orderNumber: placed.orderNumber });
    const after = await rest(sim, token, "GET", `/md/v2/Clients/MOEX/D39004/orders/${placed.orderNumber}`);
    expect(after.body.status).toBe("canceled");
  });

  it("executes a repeated guid once and repeats its first reply, also after a lost reply and a new socket", async () => {
    const sim = await simulator();
    const token = await accessToken(sim);
    const client = await Client.open(sim.ws.commandUrl);
    await client.request({ opcode: "authorize", guid: randomUUID(), token });
    const command = create(token);
    const first = await client.request(command);
    expect(await client.request(command)).toEqual(first);
    expect(sim.ws.commandExecutions.get(command.guid)).toBe(1);
    expect(sim.ws.counters.duplicateCommands).toBe(1);
    expect(sim.orders).toHaveLength(1);

    sim.ws.loseNextReply();
    const lost = create(token, { price: 299 });
    client.send(lost);
    await until(() => sim.orders.length === 2, "the second order");
    // Answers come in order: once a later request is answered, the lost one's answer is known to be gone.
    await client.request({ opcode: "authorize", guid: randomUUID(), token });
    expect(client.frames.some(({ frame }) => frame.requestGuid === lost.guid)).toBe(false);
    expect(sim.ws.counters.lostReplies).toBe(1);

    const again = await Client.open(sim.ws.commandUrl);
    await again.request({ opcode: "authorize", guid: randomUUID(), token });
    const retried = await again.request(lost);
    expect(retried).toMatchObject({ httpCode: 200, orderNumber: sim.orders[1]?.id });
    expect(sim.ws.commandExecutions.get(lost.guid)).toBe(1);
    expect(sim.orders).toHaveLength(2);
  });

  it("counts commands in the per-user rate limit shared with REST and answers 429 over it", async () => {
    const sim = await simulator({ rateLimit: 3, rateWindowMs: 60_000 });
    const token = await accessToken(sim);
    const client = await Client.open(sim.ws.commandUrl);
    await client.request({ opcode: "authorize", guid: randomUUID(), token });
    expect((await rest(sim, token, "GET", "/md/v2/Clients/MOEX/D39004/orders")).status).toBe(200);
    expect(await client.request(create(token))).toMatchObject({ httpCode: 200 });
    expect(await client.request(create(token))).toMatchObject({ httpCode: 200 });
    const refused = create(token);
    expect(await client.request(refused)).toMatchObject({ httpCode: 429 });
    expect(sim.ws.commandExecutions.has(refused.guid)).toBe(false);
    expect(sim.ws.counters.rateLimited).toBe(1);
    expect((await rest(sim, token, "GET", "/md/v2/Clients/MOEX/D39004/orders")).status).toBe(429);
  });

  it("refuses commands once the connection's token expired, until it is authorised again", async () => {
    const sim = await simulator({ tokenLifetimeMs: 1500 });
    const client = await Client.open(sim.ws.commandUrl);
    const token = await accessToken(sim);
    expect(await client.request({ opcode: "authorize", guid: randomUUID(), token })).toMatchObject({ httpCode: 200 });
    await sleep(1700);
    const command = create("");
    expect(await client.request(command)).toMatchObject({ httpCode: 401, message: "Invalid JWT token!" });
    await client.request({ opcode: "authorize", guid: randomUUID(), token: await accessToken(sim) });
    expect(await client.request(command)).toMatchObject({ httpCode: 200 });
    expect(sim.ws.commandExecutions.get(command.guid)).toBe(1);
  });
});

describe("fault controls", () => {
  it("dropAll destroys every socket without a close frame; counters keep the totals", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const commands = await Client.open(sim.ws.commandUrl);
    const request = quotes(token);
    await client.request(request);
    expect(sim.ws.connections).toEqual({ "/ws": { current: 1, total: 1 }, "/cws": { current: 1, total: 1 } });

    expect(sim.ws.dropAll()).toBe(2);
    await until(() => client.closeCode !== undefined && commands.closeCode !== undefined, "both sockets to close");
    expect(client.closeCode).toBe(1006);
    expect(commands.closeCode).toBe(1006);
    await until(
      () => sim.ws.connections["/ws"].current === 0 && sim.ws.connections["/cws"].current === 0,
      "bookkeeping",
    );
    expect(sim.ws.connections["/ws"].total).toBe(1);
    expect(sim.ws.subscriptions.size).toBe(0);
    expect(sim.ws.counters.dropped).toBe(2);

    const back = await Client.open(sim.ws.dataUrl);
    expect(await back.request(quotes(token))).toMatchObject({ httpCode: 200 });
    expect(sim.ws.connections["/ws"]).toEqual({ current: 1, total: 2 });
  });

  it("silence sends nothing for a while, not even confirmations, yet keeps the socket and handles requests", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const flowing = quotes(token);
    await client.request(flowing);
    await client.dataCount(flowing.guid, 3);

    const silencedAt = performance.now();
    sim.ws.silence(1000);
    const unanswered = quotes(token);
    client.send(unanswered);
    await until(() => sim.ws.subscriptions.has(unanswered.guid), "the subscription made while silent");
    // After the silence, its data flows, but its confirmation was never sent.
    await client.dataCount(unanswered.guid, 1);
    expect(client.frames.some(({ frame }) => frame.requestGuid === unanswered.guid)).toBe(false);

    // The older subscription resumes too; its longest pause spans the silence.
    const resumedAt = client.frames.find(({ frame }) => frame.guid === unanswered.guid)?.at as number;
    await until(
      () => client.frames.some(({ frame, at }) => frame.guid === flowing.guid && at > resumedAt),
      "the older subscription to resume",
    );
    const arrivals = client.frames
      .filter(({ frame, at }) => frame.guid === flowing.guid && at >= silencedAt - 200)
      .map(({ at }) => at);
    const longestGap = Math.max(...arrivals.slice(1).map((at, i) => at - (arrivals[i] as number)));
    expect(longestGap).toBeGreaterThanOrEqual(800);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(sim.ws.connections["/ws"]).toEqual({ current: 1, total: 1 });
  });

  it("flood sends many distinct messages as fast as the socket takes them, also to a consumer that is not reading", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const request = quotes(token, { format: "Slim", frequency: 60_000 });
    await client.request(request);
    await client.dataCount(request.guid, 1);

    await sim.ws.flood(request.guid, 5000);
    const data = await client.dataCount(request.guid, 5001);
    expect(new Set(data.slice(1).map((quote: Frame) => quote.tso)).size).toBe(5000);
    expect(data[1]).toMatchObject({ sym: "SBER", c: 306.5 });

    client.socket.pause();
    await sim.ws.flood(request.guid, 20_000);
    expect(client.data(request.guid).length).toBeLessThan(25_001);
    client.socket.resume();
    await client.dataCount(request.guid, 25_001);
    expect(sim.ws.subscriptions.get(request.guid)?.sent).toBe(25_001);

    await sim.ws.flood(request.guid, 3, (i) => ({ custom: i }));
    expect((await client.dataCount(request.guid, 25_004)).slice(-3)).toEqual([
      { custom: 0 },
      { custom: 1 },
      { custom: 2 },
    ]);
    await expect(sim.ws.flood("no-such-guid", 1)).rejects.toThrow(/no live subscription/);
  });

  it("floods an order channel with distinct updates of the portfolio's orders", async () => {
    const sim = await simulator();
    const { client, token } = await dataClient(sim);
    const request = ordersOf(token);
    await client.request(request);
    await expect(sim.ws.flood(request.guid, 10)).rejects.toThrow(/no orders/);

    await rest(sim, token, "POST", `${ORDERS}/actions/limit`, limitOrder());
    await client.dataCount(request.guid, 1);
    await sim.ws.flood(request.guid, 500);
    const data = await client.dataCount(request.guid, 501);
    expect(new Set(data.map((order: Frame) => `${order.id}@${order.updateTime}`)).size).toBe(501);
  });

  it("close ends every socket and resolves", async () => {
    const sim = await startAlorSimulator();
    const { client, token } = await dataClient(sim);
    await client.request(quotes(token));
    const commands = await Client.open(sim.ws.commandUrl);
    await sim.close();
    await until(() => client.closeCode !== undefined && commands.closeCode !== undefined, "the sockets to close");
    expect(sim.ws.connections["/ws"].current).toBe(0);
  });
});
