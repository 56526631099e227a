/** The routes the Saxo client must cover (issue 14 and the trading-surface completion); each must be generated. */
import { describe, expect, it } from "vitest";
import { saxoConfig } from "../src/index.js";
import { SUBSCRIPTION_RESOURCES } from "./subscription-resources.js";

const REQUIRED_ROUTES = [
  "GET /port/v1/positions/me",
  "GET /port/v1/positions",
  "GET /port/v1/positions/{PositionId}",
  "GET /port/v1/netpositions/{NetPositionId}",
  "GET /port/v1/closedpositions/{ClosedPositionId}",
  "GET /port/v1/orders/{ClientKey}/{OrderId}",
  "GET /port/v1/clients/{ClientKey}",
  "GET /port/v1/users/{UserKey}",
  "GET /port/v1/netpositions/me",
  "GET /port/v1/netpositions",
  "GET /port/v1/closedpositions/me",
  "GET /port/v1/closedpositions",
  "GET /port/v1/orders/me",
  "GET /port/v1/orders",
  "GET /port/v1/balances/me",
  "GET /port/v1/balances",
  "GET /port/v1/accounts/me",
  "GET /port/v1/accounts",
  "GET /port/v1/accounts/{AccountKey}",
  "GET /port/v1/clients/me",
  "GET /port/v1/users/me",
  "GET /port/v1/users",
  "POST /trade/v2/orders",
  "PATCH /trade/v2/orders",
  "DELETE /trade/v2/orders/{OrderIds}",
  "POST /trade/v2/orders/precheck",
  "GET /trade/v1/infoprices",
  "GET /trade/v1/infoprices/list",
  "GET /ref/v1/instruments",
  "GET /ref/v1/instruments/details/{Uic}/{AssetType}",
  "GET /ref/v1/instruments/details",
  "GET /ref/v1/exchanges",
  "GET /ref/v1/currencies",
  "GET /ref/v1/timezones",
  "GET /chart/v3/charts",
  "GET /root/v1/sessions/capabilities",
  "PATCH /root/v1/sessions/capabilities",
  "PUT /root/v1/sessions/capabilities",
  "GET /root/v1/features/availability",
  "GET /root/v1/diagnostics/get",
  "POST /root/v1/diagnostics/post",
  "PUT /root/v1/diagnostics/put",
  "PATCH /root/v1/diagnostics/patch",
  "DELETE /root/v1/diagnostics/delete",
  "GET /cs/v1/audit/orderactivities",
  "GET /ens/v1/activities",
  ...SUBSCRIPTION_RESOURCES.flatMap((base) => [
    `POST ${base}`,
    `DELETE ${base}/{ContextId}`,
    `DELETE ${base}/{ContextId}/{ReferenceId}`,
  ]),
];

describe("required Saxo routes", () => {
  it("are all in the generated operation table", () => {
    const table = new Set(saxoConfig.operations.map(([method, template]) => `${method} ${template}`));
    expect(REQUIRED_ROUTES.filter((route) => !table.has(route))).toEqual([]);
  });
});
