/**
 * The simulated client's static data: one user, one client with two accounts, two positions, and an
 * instrument universe. Values follow the shapes of Saxo's reference examples (keys are base64-looking
 * strings, ids are numeric strings, EURUSD is Uic 21 on SBFX, AAPL is Uic 211).
 */

/** Saxo's extended asset types, as in specs/saxo/openapi.yaml. */
export const ASSET_TYPES: ReadonlySet<string> = new Set([
  "Bond",
  "Cash",
  "CBBCCategoryN",
  "CBBCCategoryR",
  "CertificateBonus",
  "CertificateCappedBonus",
  "CertificateCappedCapitalProtected",
  "CertificateCappedOutperformance",
  "CertificateConstantLeverage",
  "CertificateDiscount",
  "CertificateExpress",
  "CertificateTracker",
  "CertificateUncappedCapitalProtection",
  "CertificateUncappedOutperformance",
  "CfdIndexOption",
  "CfdOnCompanyWarrant",
  "CfdOnEtc",
  "CfdOnEtf",
  "CfdOnEtn",
  "CfdOnFund",
  "CfdOnFutures",
  "CfdOnIndex",
  "CfdOnRights",
  "CfdOnStock",
  "CompanyWarrant",
  "ContractFutures",
  "Etc",
  "Etf",
  "Etn",
  "Fund",
  "FuturesOption",
  "FuturesStrategy",
  "FxBinaryOption",
  "FxForwards",
  "FxKnockInOption",
  "FxKnockOutOption",
  "FxNoTouchOption",
  "FxOneTouchOption",
  "FxSpot",
  "FxSwap",
  "FxVanillaOption",
  "IpoOnStock",
  "ManagedFund",
  "MiniFuture",
  "MutualFund",
  "Rights",
  "SrdOnEtf",
  "SrdOnStock",
  "Stock",
  "StockIndex",
  "StockIndexOption",
  "StockOption",
  "Warrant",
  "WarrantDoubleKnockOut",
  "WarrantKnockOut",
  "WarrantOpenEndKnockOut",
  "WarrantSpread",
]);

export const CLIENT = { ClientId: "16543210", ClientKey: "7m4I|vtYLUnEGg77o9uQhw==" } as const;

export const USER = {
  Active: true,
  ClientKey: CLIENT.ClientKey,
  Culture: "en-GB",
  Language: "en",
  LastLoginStatus: "Successful",
  LastLoginTime: "2025-04-17T07:29:29.192605Z",
  LegalAssetTypes: ["FxSpot", "Stock", "Etf", "CfdOnStock", "ContractFutures"],
  MarketDataViaOpenApiTermsAccepted: true,
  Name: "Brokerkit Simulated User",
  TimeZoneId: 28,
  UserId: "16543210",
  UserKey: "rV9ZB5CDd8Ng6ETzmaXpDg==",
} as const;

export interface SimAccount {
  AccountId: string;
  AccountKey: string;
  Currency: string;
}

export const ACCOUNTS: readonly SimAccount[] = [
  { AccountId: "16543210INET", AccountKey: "LZTc7DdejXODf-WSl2aCyQ==", Currency: "EUR" },
  { AccountId: "16543211INET", AccountKey: "KDP9uS3Re3uwk1aBA2PdCw==", Currency: "USD" },
];

export const DEFAULT_ACCOUNT = ACCOUNTS[0] as SimAccount;

export function accountBody(account: SimAccount): Record<string, unknown> {
  return {
    AccountGroupKey: account.AccountKey,
    AccountId: account.AccountId,
    AccountKey: account.AccountKey,
    AccountType: "Normal",
    Active: true,
    CanUseCashPositionsAsMarginCollateral: false,
    CfdBorrowingCostsActive: false,
    ClientId: CLIENT.ClientId,
    ClientKey: CLIENT.ClientKey,
    CreationDate: "2021-03-02T09:14:00Z",
    Currency: account.Currency,
    CurrencyDecimals: 2,
    DirectMarketAccess: false,
    FractionalOrderEnabled: false,
    IndividualMargining: false,
    IsCurrencyConversionAtSettlementTime: false,
    IsMarginTradingAllowed: true,
    IsShareable: false,
    IsTrialAccount: true,
    LegalAssetTypes: USER.LegalAssetTypes,
    ManagementType: "Client",
    MarginCalculationMethod: "Default",
    MarginLendingEnabled: "None",
    PortfolioBasedMarginEnabled: false,
    Sharing: ["NoSharing"],
    SupportsAccountValueProtectionLimit: false,
    UseCashPositionsAsMarginCollateral: false,
  };
}

export interface Instrument {
  Uic: number;
  AssetType: string;
  Symbol: string;
  Description: string;
  CurrencyCode: string;
  ExchangeId: string;
  ExchangeName: string;
  CountryCode: string;
  GroupId: number;
  /** A reference mid price the simulated quotes and charts move around. */
  price: number;
  decimals: number;
  tickSize: number;
  minimumTradeSize: number;
}

const fx = (uic: number, pair: string, description: string, price: number, decimals = 5): Instrument => ({
  Uic: uic,
  AssetType: "FxSpot",
  Symbol: pair,
  Description: description,
  CurrencyCode: pair.slice(3),
  ExchangeId: "SBFX",
  ExchangeName: "Inter Bank",
  CountryCode: "",
  GroupId: 0,
  price,
  decimals,
  tickSize: 10 ** -decimals,
  minimumTradeSize: 1000,
});

const listed = (
  uic: number,
  assetType: string,
  symbol: string,
  description: string,
  currency: string,
  exchange: [id: string, name: string, country: string],
  price: number,
): Instrument => ({
  Uic: uic,
  AssetType: assetType,
  Symbol: symbol,
  Description: description,
  CurrencyCode: currency,
  ExchangeId: exchange[0],
  ExchangeName: exchange[1],
  CountryCode: exchange[2],
  GroupId: 0,
  price,
  decimals: 2,
  tickSize: 0.01,
  minimumTradeSize: 1,
});

const NASDAQ: [string, string, string] = ["NASDAQ", "NASDAQ", "US"];
const NYSE: [string, string, string] = ["NYSE", "New York Stock Exchange", "US"];
const LSE: [string, string, string] = ["LSE_SETS", "London Stock Exchange", "GB"];
const XETRA: [string, string, string] = ["FSE", "Deutsche Börse (XETRA)", "DE"];

export const INSTRUMENTS: readonly Instrument[] = [
  fx(4, "AUDUSD", "Australian Dollar/US Dollar", 0.6612),
  fx(12, "EURAUD", "Euro/Australian Dollar", 1.6391),
  fx(14, "EURCHF", "Euro/Swiss Franc", 0.9412),
  fx(17, "EURGBP", "Euro/British Pound", 0.8467),
  fx(18, "EURJPY", "Euro/Japanese Yen", 162.84, 3),
  fx(19, "EURNOK", "Euro/Norwegian Krone", 11.7305, 4),
  fx(20, "EURSEK", "Euro/Swedish Krona", 11.4021, 4),
  fx(21, "EURUSD", "Euro/US Dollar", 1.08412),
  fx(22, "GBPAUD", "British Pound/Australian Dollar", 1.93588),
  fx(23, "GBPCAD", "British Pound/Canadian Dollar", 1.72551),
  fx(31, "GBPUSD", "British Pound/US Dollar", 1.28044),
  fx(38, "USDCAD", "US Dollar/Canadian Dollar", 1.34762),
  fx(39, "USDCHF", "US Dollar/Swiss Franc", 0.86821),
  fx(42, "USDJPY", "US Dollar/Japanese Yen", 150.219, 3),
  fx(47, "NZDUSD", "New Zealand Dollar/US Dollar", 0.60573),
  listed(211, "Stock", "AAPL:xnas", "Apple Inc.", "USD", NASDAQ, 189.84),
  listed(261, "Stock", "MSFT:xnas", "Microsoft Corp.", "USD", NASDAQ, 411.22),
  listed(1479, "Stock", "TSLA:xnas", "Tesla Inc.", "USD", NASDAQ, 178.08),
  listed(307, "Stock", "IBM:xnys", "International Business Machines Corp.", "USD", NYSE, 183.61),
  listed(899, "Stock", "VOD:xlon", "Vodafone Group Plc", "GBp", LSE, 71.18),
  listed(16350, "Stock", "SAP:xetr", "SAP SE", "EUR", XETRA, 174.3),
  listed(8554006, "Etf", "IWDG:xlon", "iShares Core MSCI World UCITS ETF GBP Hedged", "GBP", LSE, 9.87),
  listed(36590, "CfdOnEtf", "SPY:arcx", "SPDR S&P 500 ETF Trust", "USD", ["NYSE_ARCA", "NYSE Arca", "US"], 512.4),
  listed(5708497, "Etc", "SGLD:xmil", "Invesco Physical Gold ETC", "EUR", ["MIL", "Borsa Italiana", "IT"], 201.55),
];

export function findInstrument(uic: number, assetType: string): Instrument | undefined {
  return INSTRUMENTS.find((instrument) => instrument.Uic === uic && instrument.AssetType === assetType);
}

export const BALANCE = {
  CalculationReliability: "Ok",
  CashAvailableForTrading: 87512.31,
  CashBalance: 98750.35,
  CashBlocked: 0,
  ChangesScheduled: false,
  ClosedPositionsCount: 0,
  CollateralAvailable: 86931.77,
  CostToClosePositions: -17.4,
  Currency: "EUR",
  CurrencyDecimals: 2,
  InitialMargin: {
    MarginAvailable: 86931.77,
    MarginUsedByCurrentPositions: -3421.19,
    MarginUtilizationPct: 3.79,
    NetEquityForMargin: 90352.96,
  },
  IsPortfolioMarginModelSimple: true,
  MarginAvailableForTrading: 86931.77,
  MarginCollateralNotAvailable: 0,
  MarginExposureCoveragePct: 143.97,
  MarginNetExposure: 101732.1,
  MarginUsedByCurrentPositions: -3421.19,
  MarginUtilizationPct: 3.79,
  NetEquityForMargin: 90352.96,
  NetPositionsCount: 2,
  NonMarginPositionsValue: 8756.41,
  OpenIpoOrdersCount: 0,
  OpenPositionsCount: 2,
  OptionPremiumsMarketValue: 0,
  OrdersCount: 0,
  OtherCollateral: 0,
  TotalValue: 107489.36,
  TransactionsNotBooked: 0,
  TriggerOrdersCount: 0,
  UnrealizedMarginClosedProfitLoss: 0,
  UnrealizedMarginOpenProfitLoss: -17.4,
  UnrealizedMarginProfitLoss: -17.4,
  UnrealizedPositionsValue: 8739.01,
} as const;

export interface SimPosition {
  PositionId: string;
  NetPositionId: string;
  account: SimAccount;
  instrument: Instrument;
  Amount: number;
  OpenPrice: number;
  ExecutionTimeOpen: string;
  SourceOrderId: string;
}

export const POSITIONS: readonly SimPosition[] = [
  {
    PositionId: "1019942425",
    NetPositionId: "EURUSD__FxSpot",
    account: DEFAULT_ACCOUNT,
    instrument: INSTRUMENTS.find((i) => i.Uic === 21) as Instrument,
    Amount: 100000,
    OpenPrice: 1.08325,
    ExecutionTimeOpen: "2025-04-14T10:25:00Z",
    SourceOrderId: "5002791042",
  },
  {
    PositionId: "1019942531",
    NetPositionId: "AAPL:xnas__Stock",
    account: ACCOUNTS[1] as SimAccount,
    instrument: INSTRUMENTS.find((i) => i.Uic === 211) as Instrument,
    Amount: 50,
    OpenPrice: 184.7,
    ExecutionTimeOpen: "2025-04-15T14:02:11Z",
    SourceOrderId: "5002791377",
  },
];
