/**
 * Single-item lookups by key or id (client, user, net position, closed position, open order), instrument
 * details for many instruments, feature availability, and the diagnostics echo for every verb. Built on the list answers the
 * simulator already gives, so a lookup always agrees with its list.
 */
import { checkClientKey, myClient } from "./client-routes.js";
import { ASSET_TYPES, CLIENT, INSTRUMENTS, USER } from "./fixtures.js";
import { page } from "./paging.js";
import type { Portfolio } from "./portfolio.js";
import { instrumentDetails } from "./reference-data.js";
import { invalidModel, ok, type Reply, saxoError } from "./reply.js";

export function clientByKey(clientKey: string): Reply {
  return clientKey === CLIENT.ClientKey
    ? myClient()
    : saxoError(404, "NotFound", `No client with ClientKey ${clientKey}`);
}

export function userByKey(userKey: string): Reply {
  return userKey === USER.UserKey ? ok(USER) : saxoError(404, "NotFound", `No user with UserKey ${userKey}`);
}

export function netPositionById(portfolio: Portfolio, netPositionId: string, url: URL): Reply {
  return checkClientKey(url) ?? pick(portfolio.netPositions(url), "NetPositionId", netPositionId, "net position");
}

/** The simulated client has closed nothing, so every id is unknown once the ClientKey is right. */
export function closedPositionById(closedPositionId: string, url: URL): Reply {
  return checkClientKey(url) ?? saxoError(404, "NotFound", `No closed position with id ${closedPositionId}`);
}

/** Saxo answers this lookup with its list envelope holding the one order. */
export function openOrderById(portfolio: Portfolio, clientKey: string, orderId: string, url: URL): Reply {
  if (clientKey !== CLIENT.ClientKey) return saxoError(404, "NotFound", `No client with ClientKey ${clientKey}`);
  const list = portfolio.openOrders(new URL(url.pathname, url));
  const found = pick(list, "OrderId", orderId, "open order");
  return found.status === 200 ? ok({ __count: 1, Data: [found.body] }) : found;
}

export function manyInstrumentDetails(url: URL): Reply {
  const list = (name: string) => (url.searchParams.get(name) ?? "").split(",").filter((value) => value !== "");
  const uics = list("Uics");
  const assetTypes = list("AssetTypes");
  if (uics.some((uic) => !/^\d+$/.test(uic))) return invalidModel({ Uics: ["Uics must be integers"] });
  const unknown = assetTypes.filter((type) => !ASSET_TYPES.has(type));
  if (unknown.length) return invalidModel({ AssetTypes: [`Unknown AssetType value(s): ${unknown.join(", ")}`] });
  const details = INSTRUMENTS.filter(
    (instrument) =>
      (uics.length === 0 || uics.includes(String(instrument.Uic))) &&
      (assetTypes.length === 0 || assetTypes.includes(instrument.AssetType)),
  ).map((instrument) => instrumentDetails(String(instrument.Uic), instrument.AssetType).body);
  const paged = page(details, url);
  return "reply" in paged ? paged.reply : ok(paged.body);
}

/** Every switchable feature is on in the simulator. */
export function featureAvailability(): Reply {
  return ok(["News", "GainersLosers", "Calendar", "Chart"].map((Feature) => ({ Feature, Available: true })));
}

/** Diagnostics answer every verb with an empty object and change nothing. */
export function diagnosticsEcho(): Reply {
  return ok({});
}

function pick(list: Reply, idField: string, id: string, what: string): Reply {
  if (list.status !== 200) return list;
  const items = ((list.body as { Data?: Record<string, unknown>[] }).Data ?? []) as Record<string, unknown>[];
  const found = items.find((item) => item[idField] === id);
  return found ? ok(found) : saxoError(404, "NotFound", `No ${what} with ${idField} ${id}`);
}
