/**
 * Data-socket opcodes for a portfolio: orders, stop orders, trades, positions, summary and risks.
 * The snapshot is the current state (`existing: true`); then every change of the trading book in that
 * portfolio is pushed as it happens (`existing: false`).
 */
import { fail } from "../http.js";
import type { OrderStatus } from "../shapes.js";
import type { AnyOrder } from "../trading.js";
import type { Feed, FeedOpener, FeedRequest, Item } from "./feed.js";
import { optionalBoolean, optionalEnumList, requiredString } from "./message-fields.js";

const ORDER_STATUSES: readonly OrderStatus[] = ["working", "filled", "canceled", "rejected"];

interface PortfolioRequest extends FeedRequest {
  portfolio: string;
  skipHistory: boolean;
}

function portfolioRequest(request: FeedRequest): PortfolioRequest {
  const portfolio = requiredString(request.message, "portfolio");
  if (!request.caller.portfolios.includes(portfolio)) {
    throw fail(403, `portfolio ${portfolio} is not granted to ${request.caller.user.login}`);
  }
  return { ...request, portfolio, skipHistory: optionalBoolean(request.message, "skipHistory") ?? false };
}

const live = <T extends object>(item: T): Item => ({ ...item, existing: false });
const history = <T extends object>(item: T): Item => ({ ...item, existing: true });

/** The i-th of `items` again, made distinct by an `updateTime` i ms later (floods of an order channel). */
function cycled(items: readonly object[], i: number, what: string): Item {
  const item = items[i % Math.max(1, items.length)] as Item | undefined;
  if (!item) throw new Error(`flood: the portfolio has no ${what} to send; create one first or pass a data factory`);
  const base = Date.parse(String(item.updateTime ?? item.transTime));
  return { ...item, existing: false, updateTime: new Date(base + i + 1).toISOString() };
}

/** A feed that pushes `current()` again whenever a fill moves the portfolio. */
function onFills(request: PortfolioRequest, kind: Feed["kind"], current: () => Item): Feed {
  return {
    kind,
    snapshot: request.skipHistory ? [] : [current()],
    react: (event) => (event.kind === "fill" && event.order.portfolio === request.portfolio ? [current()] : []),
    sample: () => current(),
  };
}

/** Orders or stop orders of the portfolio on the exchange; `orderStatuses` filters the snapshot only. */
function orderFeed(raw: FeedRequest, kind: "order" | "stopOrder"): Feed {
  const request = portfolioRequest(raw);
  const { world, portfolio, exchange } = request;
  const statuses = optionalEnumList(request.message, "orderStatuses", ORDER_STATUSES);
  const list = kind === "order" ? () => world.trading.ordersOf(portfolio) : () => world.trading.stopOrdersOf(portfolio);
  const mine = () => list().filter((o: AnyOrder) => o.exchange === exchange);
  return {
    kind,
    snapshot: request.skipHistory
      ? []
      : mine()
          .filter((o) => !statuses || statuses.includes(o.status))
          .map(history),
    react: (event) =>
      event.kind === kind && event.order.portfolio === portfolio && event.order.exchange === exchange
        ? [live(event.order)]
        : [],
    sample: (i) => cycled(mine(), i, kind === "order" ? "orders" : "stop orders"),
  };
}

const trades: FeedOpener = (raw) => {
  const request = portfolioRequest(raw);
  const { world, portfolio, exchange } = request;
  const mine = () => world.trading.tradesOf(portfolio).filter((t) => t.exchange === exchange);
  return {
    kind: "trade",
    snapshot: request.skipHistory ? [] : mine().map(history),
    react: (event) =>
      event.kind === "fill" && event.order.portfolio === portfolio && event.order.exchange === exchange
        ? [live(event.trade)]
        : [],
    sample: (i) => {
      const trade = mine()[0];
      if (!trade)
        throw new Error("flood: the portfolio has no trades to send; fill an order first or pass a data factory");
      return live({ ...trade, id: String(Number(trade.id) + 1_000_000 + i) });
    },
  };
};

const positions: FeedOpener = (raw) => {
  const request = portfolioRequest(raw);
  const { world, portfolio, exchange } = request;
  const mine = () => world.accounts.positions(portfolio).filter((p) => p.isCurrency || p.exchange === exchange);
  return {
    kind: "position",
    snapshot: request.skipHistory ? [] : mine().map(history),
    react: (event) =>
      event.kind === "fill" && event.order.portfolio === portfolio
        ? mine()
            .filter((p) => p.isCurrency || p.symbol === event.order.symbol)
            .map(live)
        : [],
    sample: (i) => {
      const all = mine();
      return live(all[i % all.length] as object);
    },
  };
};

const summaries: FeedOpener = (raw) => {
  const request = portfolioRequest(raw);
  return onFills(request, "summary", () => request.world.accounts.summary(request.portfolio));
};

const risks: FeedOpener = (raw) => {
  const request = portfolioRequest(raw);
  const { world, portfolio, exchange } = request;
  return onFills(request, "risk", () => world.accounts.risk(portfolio, exchange, new Date()));
};

/** The derivatives-market view of the portfolio's money, derived from its summary. */
const spectraRisks: FeedOpener = (raw) => {
  const request = portfolioRequest(raw);
  const { world, portfolio } = request;
  return onFills(request, "fortsRisk", () => {
    const summary = world.accounts.summary(portfolio);
    return {
      portfolio,
      balanceMoney: summary.buyingPower,
      moneyFree: summary.buyingPower,
      moneyBlocked: summary.initialMargin,
      fee: 0,
      moneyOld: summary.buyingPowerAtMorning,
      moneyAmount: summary.portfolioLiquidationValue,
      moneyPledgeAmount: 0,
      vmInterCl: 0,
      vmCurrentPositions: 0,
      varMargin: 0,
      indicativeVarMargin: 0,
      netOptionValue: 0,
      posRisk: summary.initialMargin,
      isLimitsSet: false,
    };
  });
};

export const PORTFOLIO_CHANNELS: Readonly<Record<string, FeedOpener>> = {
  OrdersGetAndSubscribeV2: (request) => orderFeed(request, "order"),
  StopOrdersGetAndSubscribeV2: (request) => orderFeed(request, "stopOrder"),
  TradesGetAndSubscribeV2: trades,
  PositionsGetAndSubscribeV2: positions,
  SummariesGetAndSubscribeV2: summaries,
  RisksGetAndSubscribe: risks,
  SpectraRisksGetAndSubscribe: spectraRisks,
};
