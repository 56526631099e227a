/**
 * The ClientKey/AccountKey and by-id forms of the portfolio routes, closed positions, clients, reference lists,
 * diagnostics and the order audit trail. The simulator has one client, so a ClientKey must be that client's.
 */
import { ACCOUNTS, accountBody, CLIENT, DEFAULT_ACCOUNT, USER } from "./fixtures.js";
import { invalidModel, ok, type Reply, saxoError } from "./reply.js";

/** 400 naming ClientKey when it is missing, 404 when it is not the simulated client's. */
export function checkClientKey(url: URL): Reply | undefined {
  const key = url.searchParams.get("ClientKey");
  if (key === null || key === "") return invalidModel({ ClientKey: ["ClientKey is required"] });
  if (key !== CLIENT.ClientKey) return saxoError(404, "NotFound", `No client with ClientKey ${key}`);
  return undefined;
}

/** Reads through `read` once the ClientKey is the simulated client's. */
export function forClient(url: URL, read: () => Reply): Reply {
  return checkClientKey(url) ?? read();
}

export function account(accountKey: string): Reply {
  const found = ACCOUNTS.find((candidate) => candidate.AccountKey === accountKey);
  return found ? ok(accountBody(found)) : saxoError(404, "NotFound", `No account with AccountKey ${accountKey}`);
}

export function myClient(): Reply {
  return ok({
    ...CLIENT,
    Name: USER.Name,
    DefaultAccountId: DEFAULT_ACCOUNT.AccountId,
    DefaultAccountKey: DEFAULT_ACCOUNT.AccountKey,
    DefaultCurrency: DEFAULT_ACCOUNT.Currency,
  });
}

/** The simulated client has closed nothing yet. */
export function closedPositions(): Reply {
  return ok({ __count: 0, Data: [] });
}

export function exchanges(): Reply {
  return ok({
    __count: 2,
    Data: [
      { ExchangeId: "NASDAQ", Name: "NASDAQ", CountryCode: "US", Currency: "USD", TimeZoneId: "America/New_York" },
      { ExchangeId: "SGMX", Name: "Saxo FX", CountryCode: "DK", Currency: "EUR", TimeZoneId: "Europe/Copenhagen" },
    ],
  });
}

export function currencies(): Reply {
  return ok({
    Data: [
      { CurrencyCode: "EUR", Decimals: 2, Name: "Euro", Symbol: "€" },
      { CurrencyCode: "USD", Decimals: 2, Name: "US Dollar", Symbol: "$" },
    ],
  });
}

export function timeZones(): Reply {
  return ok({
    Data: [
      { TimeZoneId: 1, DisplayName: "Copenhagen", TimeZoneAbbreviation: "CET", ZoneName: "Europe/Copenhagen" },
      { TimeZoneId: 2, DisplayName: "New York", TimeZoneAbbreviation: "EST", ZoneName: "America/New_York" },
    ],
  });
}
