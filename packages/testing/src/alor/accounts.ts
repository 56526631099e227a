/**
 * Users, their portfolios and what the portfolios hold (money in roubles plus instrument positions),
 * with ALOR's views of them: positions, summary and risk. Fills from the trading book move the holdings.
 */
import { findSecurity, referencePrice, round } from "./catalogue.js";
import type { Exchange, Position, Security, Side } from "./shapes.js";

export interface AlorSimUser {
  /** Trading login: the JWT's `sub`, e.g. P039004. */
  login: string;
  /** The refresh token that `POST /refresh` exchanges for this user's JWTs. */
  refreshToken: string;
  /** Portfolio ids, e.g. D39004 (securities) and 7500GHC (derivatives). */
  portfolios: string[];
}

export const DEFAULT_ALOR_USER: AlorSimUser = {
  login: "P039004",
  refreshToken: "alor-sim-refresh-P039004",
  portfolios: ["D39004", "7500GHC"],
};

interface Holding {
  exchange: Exchange;
  symbol: string;
  board: string;
  shortName: string;
  lotSize: number;
  units: number;
  /** Units held when the session opened (ALOR's openUnits). */
  openUnits: number;
  avgPrice: number;
}

/** What each portfolio starts with: the first of a user's portfolios holds shares, the second futures. */
const SEED: [symbol: string, board: string, units: number, avgPrice: number][][] = [
  [
    ["SBER", "TQBR", 100, 290.4],
    ["GAZP", "TQBR", 200, 140.1],
    ["LKOH", "TQBR", 2, 6500],
  ],
  [["SI-12.25", "RFUD", 1, 81_500]],
];
const SEED_MONEY = [1_000_000, 300_000];

export class Accounts {
  private readonly money = new Map<string, number>();
  private readonly holdings = new Map<string, Map<string, Holding>>();
  private readonly byLogin = new Map<string, AlorSimUser>();

  constructor(users: readonly AlorSimUser[]) {
    for (const user of users) {
      if (this.byLogin.has(user.login)) throw new Error(`ALOR simulator: login ${user.login} is configured twice`);
      this.byLogin.set(user.login, user);
      user.portfolios.forEach((portfolio, i) => {
        if (this.money.has(portfolio)) throw new Error(`ALOR simulator: portfolio ${portfolio} is configured twice`);
        this.money.set(portfolio, SEED_MONEY[i] ?? 500_000);
        const held = new Map<string, Holding>();
        for (const [symbol, board, units, avgPrice] of SEED[i] ?? []) {
          const security = findSecurity("MOEX", symbol, board) as Security;
          held.set(key(security), holding(security, units, avgPrice));
        }
        this.holdings.set(portfolio, held);
      });
    }
  }

  user(login: string): AlorSimUser | undefined {
    return this.byLogin.get(login);
  }

  /** Moves money and units for a trade of `lots` lots at `price`. */
  applyFill(portfolio: string, security: Security, side: Side, lots: number, price: number): void {
    const held = this.holdings.get(portfolio) as Map<string, Holding>;
    const signed = (side === "buy" ? 1 : -1) * lots * security.lotsize;
    const current = held.get(key(security)) ?? holding(security, 0, price, 0);
    const next = current.units + signed;
    if (current.units === 0 || Math.sign(next) !== Math.sign(current.units)) current.avgPrice = price;
    else if (Math.sign(signed) === Math.sign(current.units)) {
      current.avgPrice = (current.avgPrice * current.units + price * signed) / next;
    }
    current.units = next;
    held.set(key(security), current);
    this.money.set(portfolio, (this.money.get(portfolio) ?? 0) - signed * price * security.priceMultiplier);
  }

  positions(portfolio: string, withoutCurrency = false): Position[] {
    const list = [...(this.holdings.get(portfolio)?.values() ?? [])].map((h) => toPosition(portfolio, h));
    return withoutCurrency ? list : [moneyPosition(portfolio, this.money.get(portfolio) ?? 0), ...list];
  }

  summary(portfolio: string) {
    const money = this.money.get(portfolio) ?? 0;
    const positions = this.positions(portfolio, true);
    const value = positions.reduce((sum, p) => sum + p.currentVolume, 0);
    const cost = positions.reduce((sum, p) => sum + p.volume, 0);
    const initialMargin = positions.reduce((sum, p) => sum + Math.abs(p.currentVolume) * 0.25, 0);
    const buyingPower = cents(money);
    return {
      buyingPowerAtMorning: buyingPower,
      buyingPower,
      profit: cents(value - cost),
      profitRate: cost ? Number((((value - cost) / cost) * 100).toFixed(2)) : 0,
      portfolioEvaluation: cents(money + value),
      portfolioLiquidationValue: cents(money + value),
      initialMargin: cents(initialMargin),
      correctedMargin: cents(initialMargin * 0.8),
      riskBeforeForcePositionClosing: cents(money + value - initialMargin * 0.5),
      commission: 0,
      buyingPowerByCurrency: [{ currency: "RUB", buyingPower }],
    };
  }

  risk(portfolio: string, exchange: Exchange, now: Date) {
    const s = this.summary(portfolio);
    return {
      portfolio,
      exchange,
      portfolioEvaluation: s.portfolioEvaluation,
      portfolioLiquidationValue: s.portfolioLiquidationValue,
      initialMargin: s.initialMargin,
      minimalMargin: cents(s.initialMargin / 2),
      correctedMargin: s.correctedMargin,
      riskCoverageRatioOne: cents(s.portfolioLiquidationValue - s.initialMargin),
      riskCoverageRatioTwo: cents(s.portfolioLiquidationValue - s.initialMargin / 2),
      riskCategoryId: 2,
      clientType: "StandardRisk",
      hasForbiddenPositions: false,
      hasNegativeQuantity: this.positions(portfolio, true).some((p) => p.qtyUnits < 0),
      riskStatus: "Ok",
      calculationTime: now.toISOString(),
    };
  }
}

const key = (s: Security) => `${s.exchange}:${s.symbol}`;
const cents = (n: number) => Math.round(n * 100) / 100;

function holding(security: Security, units: number, avgPrice: number, openUnits = units): Holding {
  return {
    exchange: security.exchange,
    symbol: security.symbol,
    board: security.board,
    shortName: security.shortname,
    lotSize: security.lotsize,
    units,
    openUnits,
    avgPrice,
  };
}

function toPosition(portfolio: string, h: Holding): Position {
  const security = findSecurity(h.exchange, h.symbol, h.board) as Security;
  const last = referencePrice(security);
  const lots = h.units / h.lotSize;
  const openLots = h.openUnits / h.lotSize;
  return {
    volume: cents(h.units * h.avgPrice),
    currentVolume: cents(h.units * last),
    symbol: h.symbol,
    brokerSymbol: `${h.exchange}:${h.symbol}`,
    portfolio,
    exchange: h.exchange,
    avgPrice: round(h.avgPrice, 0.0001),
    qtyUnits: h.units,
    openUnits: h.openUnits,
    lotSize: h.lotSize,
    shortName: h.shortName,
    qtyT0: h.units,
    qtyT1: h.units,
    qtyT2: h.units,
    qtyTFuture: h.units,
    qtyT0Batch: lots,
    qtyT1Batch: lots,
    qtyT2Batch: lots,
    qtyTFutureBatch: lots,
    qtyBatch: lots,
    openQtyBatch: openLots,
    qty: lots,
    open: openLots,
    dailyUnrealisedPl: cents(h.units * last * 0.004),
    unrealisedPl: cents(h.units * (last - h.avgPrice)),
    isCurrency: false,
    existing: true,
  };
}

function moneyPosition(portfolio: string, amount: number): Position {
  const rub = cents(amount);
  return {
    volume: rub,
    currentVolume: rub,
    symbol: "RUB",
    brokerSymbol: "MOEX:RUB",
    portfolio,
    exchange: "MOEX",
    avgPrice: 1,
    qtyUnits: rub,
    openUnits: rub,
    lotSize: 0,
    shortName: "Рубли РФ",
    qtyT0: rub,
    qtyT1: rub,
    qtyT2: rub,
    qtyTFuture: rub,
    qtyT0Batch: rub,
    qtyT1Batch: rub,
    qtyT2Batch: rub,
    qtyTFutureBatch: rub,
    qtyBatch: rub,
    openQtyBatch: rub,
    qty: rub,
    open: rub,
    dailyUnrealisedPl: 0,
    unrealisedPl: 0,
    isCurrency: true,
    existing: true,
  };
}
