/** The subscription resources the streaming work needs; each has POST, DELETE by context and by reference. */
export const SUBSCRIPTION_RESOURCES = [
  "/trade/v1/infoprices/subscriptions",
  "/trade/v1/prices/subscriptions",
  "/port/v1/orders/subscriptions",
  "/port/v1/positions/subscriptions",
  "/port/v1/netpositions/subscriptions",
  "/port/v1/closedpositions/subscriptions",
  "/port/v1/balances/subscriptions",
  "/ens/v1/activities/subscriptions",
  "/chart/v3/charts/subscriptions",
  "/root/v1/sessions/events/subscriptions",
] as const;
