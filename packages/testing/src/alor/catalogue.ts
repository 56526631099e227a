/**
 * The simulator's instrument catalogue (static reference data) and ALOR's securities search over it:
 * filters, ordering by trading volume (`rating`) and limit/offset pagination, as /md/v2/Securities does.
 * About 70 instruments, so the default page of 25 gives several pages.
 */
import { fail } from "./http.js";
import type { Exchange, Security } from "./shapes.js";

/** [symbol, shortname, description, lot size, price, ISIN] of MOEX shares, most traded first. */
type ShareRow = [string, string, string, number, number, string | null];

const MOEX_SHARES: ShareRow[] = [
  ["SBER", "Сбербанк", "Сбербанк России ПАО ао", 10, 306.5, "RU0009029540"],
  ["GAZP", "ГАЗПРОМ ао", "Газпром ПАО ао", 10, 130.2, "RU0007661625"],
  ["LKOH", "ЛУКОЙЛ", "НК ЛУКОЙЛ ПАО ао", 1, 6905, "RU0009024277"],
  ["YDEX", "Яндекс", "МКПАО Яндекс ао", 1, 4012, null],
  ["VTBR", "ВТБ ао", "Банк ВТБ ПАО ао", 1, 74.35, "RU000A0JP5V6"],
  ["ROSN", "Роснефть", "НК Роснефть ПАО ао", 1, 441.6, "RU000A0J2Q06"],
  ["GMKN", "НорНикель", "ГМК Норильский никель ПАО ао", 10, 120.18, "RU0007288411"],
  ["T", "Т-Технологии", "МКПАО Т-Технологии ао", 1, 3198, null],
  ["NVTK", "Новатэк ао", "НОВАТЭК ПАО ао", 1, 1104.2, "RU000A0DKVS5"],
  ["TATN", "Татнефть-3", "Татнефть ПАО ао", 1, 641.3, "RU0009033591"],
  ["SBERP", "Сбербанк-п", "Сбербанк России ПАО ап", 10, 306.1, "RU0009029557"],
  ["OZON", "Озон", "МКПАО Озон ао", 1, 3810, null],
  ["PLZL", "Полюс", "Полюс ПАО ао", 1, 2105.4, "RU000A0JNAA8"],
  ["MGNT", "Магнит ао", "Магнит ПАО ао", 1, 4300, "RU000A0JKQU8"],
  ["SNGSP", "Сургнфгз-п", "Сургутнефтегаз ПАО ап", 100, 45.21, "RU0009029524"],
  ["CHMF", "СевСт-ао", "Северсталь ПАО ао", 1, 1150.4, "RU0009046510"],
  ["MTSS", "МТС-ао", "МТС ПАО ао", 10, 221.35, "RU0007775219"],
  ["AFLT", "Аэрофлот", "Аэрофлот ПАО ао", 10, 60.12, "RU0009062285"],
  ["MOEX", "МосБиржа", "Московская Биржа ПАО ао", 10, 181.54, "RU000A0JR4A1"],
  ["PHOR", "ФосАгро ао", "ФосАгро ПАО ао", 1, 6801, "RU000A0JRKT8"],
  ["NLMK", "НЛМК ао", "НЛМК ПАО ао", 10, 115.1, "RU0009046452"],
  ["ALRS", "АЛРОСА ао", "АЛРОСА ПАО ао", 10, 50.43, "RU0007252813"],
  ["SNGS", "Сургнфгз", "Сургутнефтегаз ПАО ао", 100, 23.15, "RU0008926258"],
  ["IRAO", "ИнтерРАОао", "Интер РАО ЕЭС ПАО ао", 100, 3.512, "RU000A0JPNM1"],
  ["PIKK", "ПИК ао", "ПИК-специализированный застройщик ПАО ао", 1, 500.3, "RU000A0JP7J7"],
  ["RUAL", "РУСАЛ ао", "МКПАО ОК РУСАЛ ао", 10, 33.12, null],
  ["MAGN", "ММК", "Магнитогорский металлургический комбинат ПАО ао", 10, 32.05, "RU0009084396"],
  ["AFKS", "Система ао", "АФК Система ПАО ао", 100, 15.21, "RU000A0DQZE3"],
  ["SMLT", "Самолет ао", "ГК Самолет ПАО ао", 1, 1502, null],
  ["POSI", "ПозитивТех", "Группа Позитив ПАО ао", 1, 1201.6, null],
  ["RTKM", "Ростел -ао", "Ростелеком ПАО ао", 10, 60.31, "RU0008943394"],
  ["TRNFP", "Транснф ап", "Транснефть ПАО ап", 1, 1305.5, "RU0009091573"],
  ["HYDR", "РусГидро", "РусГидро ПАО ао", 1000, 0.5123, "RU000A0JPKH7"],
  ["CBOM", "МКБ ао", "Московский кредитный банк ПАО ао", 100, 7.512, null],
  ["ENPG", "ЭН+ГРУП ао", "МКПАО ЭН+ ГРУП ао", 1, 400.5, null],
  ["UPRO", "Юнипро ао", "Юнипро ПАО ао", 1000, 1.712, null],
  ["SELG", "Селигдар", "Селигдар ПАО ао", 10, 50.12, null],
  ["SGZH", "Сегежа", "Сегежа Групп ПАО ао", 100, 1.512, null],
  ["MTLR", "Мечел ао", "Мечел ПАО ао", 1, 100.15, null],
  ["FLOT", "Совкомфлот", "Современный коммерческий флот ПАО ао", 10, 90.12, null],
  ["FEES", "Россети", "ФСК - Россети ПАО ао", 10000, 0.0712, null],
  ["BANEP", "Башнефт ап", "АНК Башнефть ПАО ап", 1, 1501.5, null],
  ["HEAD", "Хэдхантер", "МКПАО Хэдхантер ао", 1, 4005, null],
  ["X5", "Корп. ИКС 5", "МКПАО Корпоративный центр ИКС 5 ао", 1, 3001.5, null],
  ["ASTR", "Астра ао", "Группа Астра ПАО ао", 1, 400.15, null],
  ["SVCB", "Совкомбанк", "Совкомбанк ПАО ао", 100, 13.21, null],
  ["VKCO", "ВК ао", "МКПАО ВК ао", 1, 300.2, null],
  ["MDMG", "Мать и дитя", "МКПАО Мать и дитя ао", 1, 1001.5, null],
];

/** [symbol, shortname, description, price, ISIN, currency] of SPB Exchange shares. */
type SpbxRow = [string, string, string, number, string, string];

const SPBX_SHARES: SpbxRow[] = [
  ["AAPL", "Apple", "Apple Inc.", 220.5, "US0378331005", "USD"],
  ["MSFT", "Microsoft", "Microsoft Corporation", 420.1, "US5949181045", "USD"],
  ["NVDA", "NVIDIA", "NVIDIA Corporation", 130.25, "US67066G1040", "USD"],
  ["TSLA", "Tesla", "Tesla, Inc.", 250.3, "US88160R1014", "USD"],
  ["AMZN", "Amazon", "Amazon.com, Inc.", 190.4, "US0231351067", "USD"],
  ["GOOGL", "Alphabet A", "Alphabet Inc. Class A", 170.2, "US02079K3059", "USD"],
  ["META", "Meta", "Meta Platforms, Inc.", 550.6, "US30303M1027", "USD"],
  ["NFLX", "Netflix", "Netflix, Inc.", 700.1, "US64110L1061", "USD"],
];

/** [symbol, shortname, description, price, price step, expiry] of MOEX futures (FORTS). */
type FuturesRow = [string, string, string, number, number, string];

const FUTURES: FuturesRow[] = [
  ["SI-12.25", "SiZ5", "Фьючерсный контракт Si-12.25", 82150, 1, "2025-12-18T00:00:00Z"],
  ["RTS-12.25", "RIZ5", "Фьючерсный контракт RTS-12.25", 110250, 10, "2025-12-18T00:00:00Z"],
  ["BR-1.26", "BRF6", "Фьючерсный контракт BR-1.26", 64.52, 0.01, "2025-12-30T00:00:00Z"],
  ["GOLD-12.25", "GDZ5", "Фьючерсный контракт GOLD-12.25", 3905.4, 0.1, "2025-12-18T00:00:00Z"],
  ["CNY-12.25", "CRZ5", "Фьючерсный контракт CNY-12.25", 11.512, 0.001, "2025-12-18T00:00:00Z"],
  ["MIX-12.25", "MXZ5", "Фьючерсный контракт MIX-12.25", 2801.25, 0.25, "2025-12-18T00:00:00Z"],
];

/** [symbol, shortname, description, price] of MOEX currency pairs (settlement tomorrow). */
const CURRENCIES: [string, string, string, number][] = [
  ["USD000UTSTOM", "USDRUB_TOM", "USD/RUB расчеты TOM", 82.115],
  ["CNYRUB_TOM", "CNYRUB_TOM", "CNY/RUB расчеты TOM", 11.4525],
  ["EUR_RUB__TOM", "EURRUB_TOM", "EUR/RUB расчеты TOM", 95.3125],
];

/** [symbol, shortname, description, clean price %, maturity, ISIN] of MOEX bonds. */
const BONDS: [string, string, string, number, string, string][] = [
  ["SU26238RMFS4", "ОФЗ 26238", "ОФЗ-ПД 26238 15/05/2041", 60.52, "2041-05-15T00:00:00Z", "RU000A1038V6"],
  ["SU26243RMFS4", "ОФЗ 26243", "ОФЗ-ПД 26243 19/05/2038", 78.41, "2038-05-19T00:00:00Z", "RU000A108EH4"],
];

const FAR_FUTURE = "2199-12-31T00:00:00Z";

/** MOEX's usual tick sizes by price level; close enough for a simulator. */
function tickFor(price: number): number {
  if (price >= 1000) return 0.5;
  if (price >= 10) return 0.01;
  if (price >= 1) return 0.001;
  return 0.0001;
}

type SecurityFields = Partial<Security> & Pick<Security, "symbol" | "exchange" | "board">;

function security(fields: SecurityFields, price: number, rank: number): Security {
  const minstep = fields.minstep ?? tickFor(price);
  return {
    shortname: fields.symbol,
    description: fields.symbol,
    market: "FOND",
    type: "CS",
    lotsize: 1,
    facevalue: 1,
    cfiCode: "ESXXXX",
    cancellation: FAR_FUTURE,
    marginbuy: 0,
    marginsell: 0,
    marginrate: 0,
    theorPrice: 0,
    theorPriceLimit: 0,
    volatility: 0,
    currency: "RUB",
    ISIN: null,
    yield: null,
    primary_board: fields.board,
    tradingStatus: 17,
    tradingStatusInfo: "нормальный период торгов",
    complexProductCategory: "",
    priceMultiplier: 1,
    priceShownUnits: 1,
    ...fields,
    minstep,
    pricestep: minstep,
    priceMax: round(price * 1.2, minstep),
    priceMin: round(price * 0.8, minstep),
    // The search sort key: earlier rows of the tables above trade more.
    rating: Math.round(5e9 / (rank + 1)),
  };
}

export function round(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}

/** The price every quote, order book and fill of the simulator is built around. */
const referencePrices = new Map<string, number>();

function build(): Security[] {
  const list: Security[] = [];
  let rank = 0;
  const add = (fields: SecurityFields, price: number) => {
    referencePrices.set(`${fields.exchange}:${fields.symbol}:${fields.board}`, price);
    list.push(security(fields, price, rank++));
  };
  for (const [symbol, shortname, description, lotsize, price, ISIN] of MOEX_SHARES) {
    add({ symbol, shortname, description, exchange: "MOEX", board: "TQBR", lotsize, ISIN, cfiCode: "ESVUFR" }, price);
  }
  for (const [symbol, shortname, description, price, step, expiry] of FUTURES) {
    add(
      {
        symbol,
        shortname,
        description,
        exchange: "MOEX",
        market: "FORTS",
        board: "RFUD",
        type: `Фьючерсный контракт ${symbol}`,
        cfiCode: "FFXCSX",
        minstep: step,
        cancellation: expiry,
        marginbuy: round(price * 1.12, step),
        marginsell: round(price * 0.88, step),
        marginrate: 8.9,
        complexProductCategory: "2",
      },
      price,
    );
  }
  for (const [symbol, shortname, description, price] of CURRENCIES) {
    add(
      {
        symbol,
        shortname,
        description,
        exchange: "MOEX",
        market: "CURR",
        board: "CETS",
        type: "FOR",
        cfiCode: "MRCXXX",
        lotsize: 1000,
        minstep: 0.0025,
      },
      price,
    );
  }
  for (const [symbol, shortname, description, price, cancellation, ISIN] of BONDS) {
    add(
      {
        symbol,
        shortname,
        description,
        exchange: "MOEX",
        board: "TQOB",
        type: "EUSOV",
        cfiCode: "DBFUFR",
        facevalue: 1000,
        minstep: 0.01,
        cancellation,
        ISIN,
        yield: 14.2,
      },
      price,
    );
  }
  for (const [symbol, shortname, description, price, ISIN, currency] of SPBX_SHARES) {
    add(
      {
        symbol,
        shortname,
        description,
        exchange: "SPBX",
        market: "SPBX",
        board: "SPBX",
        cfiCode: "ESVUFR",
        ISIN,
        currency,
        complexProductCategory: "10",
      },
      price,
    );
  }
  // Odd-lot boards: listed only when a search asks for non-base boards.
  for (const symbol of ["SBER", "GAZP"]) {
    const { shortname, description, ISIN, cfiCode } = list.find((s) => s.symbol === symbol) as Security;
    const price = referencePrices.get(`MOEX:${symbol}:TQBR`) as number;
    add(
      { symbol, shortname, description, ISIN, cfiCode, exchange: "MOEX", board: "SMAL", primary_board: "TQBR" },
      price,
    );
  }
  return list;
}

export const SECURITIES: readonly Security[] = build();

export function referencePrice(security: Security): number {
  return referencePrices.get(`${security.exchange}:${security.symbol}:${security.board}`) ?? 0;
}

/** The instrument on the given board, or on its primary board when none is given. */
export function findSecurity(exchange: Exchange, symbol: string, board?: string | null): Security | undefined {
  const upper = symbol.toUpperCase();
  return SECURITIES.find(
    (s) => s.exchange === exchange && s.symbol === upper && (board ? s.board === board : s.board === s.primary_board),
  );
}

export interface SecuritiesFilter {
  query?: string | undefined;
  sector?: string | undefined;
  cficode?: string | undefined;
  exchange?: string | undefined;
  instrumentGroup?: string | undefined;
  includeNonBaseBoards?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** ALOR's search: case-insensitive ticker/name match, CFI prefix, exact market/exchange/board; by rating. */
export function searchSecurities(filter: SecuritiesFilter): Security[] {
  const limit = filter.limit ?? 25;
  const offset = filter.offset ?? 0;
  if (limit < 1) throw fail(400, "query parameter 'limit' must be ≥ 1");
  if (offset < 0) throw fail(400, "query parameter 'offset' must be ≥ 0");
  const query = filter.query?.toLowerCase();
  const cfi = filter.cficode?.toUpperCase();
  return SECURITIES.filter(
    (s) =>
      (filter.includeNonBaseBoards || s.board === s.primary_board) &&
      (!query || s.symbol.toLowerCase().includes(query) || s.shortname.toLowerCase().includes(query)) &&
      (!filter.sector || s.market === filter.sector) &&
      (!cfi || s.cfiCode.startsWith(cfi)) &&
      (!filter.exchange || s.exchange === filter.exchange) &&
      (!filter.instrumentGroup || s.board === filter.instrumentGroup),
  )
    .sort((a, b) => b.rating - a.rating)
    .slice(offset, offset + limit);
}
