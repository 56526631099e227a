/** What the Saxo simulator counts, for tests to assert on. All counters start at zero. */
export interface SaxoCounters {
  /** isalive probes per service. */
  probes: Record<string, number>;
  /** Probes that ran while another probe of the same service was in flight. */
  overlappingProbes: number;
  /** Requests (not probes) that reached each simulated server, e.g. `{ "port-2": 7 }`. */
  requestsPerBackend: Record<string, number>;
  /** Requests answered with the lost-session failure (no, unknown or expired affinity cookie). */
  wrongBackend: number;
  /** POSTs to /token, whatever their outcome. */
  tokenRequests: number;
  /** Successful authorization-code exchanges. */
  codeGrants: number;
  /** Successful refresh-token exchanges (each one rotated a refresh token). */
  refreshGrants: number;
  /** Token requests answered with an OAuth error. */
  rejectedTokenRequests: number;
  /** REST requests answered 401 (missing, unknown or expired access token). */
  unauthorized: number;
  /** Orders created by POST …/orders (entry orders; related orders not counted). */
  ordersPlaced: number;
  /** Order operations answered from the first result because the same x-request-id came again. */
  orderReplays: number;
  /** Order operations answered 409 as duplicates. */
  duplicateOrders: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Requests to a retired route. */
  retiredRouteHits: number;
  /** Responses destroyed by `dropNextResponse` after the request took effect. */
  droppedResponses: number;
}

export function createCounters(): SaxoCounters {
  return {
    probes: {},
    overlappingProbes: 0,
    requestsPerBackend: {},
    wrongBackend: 0,
    tokenRequests: 0,
    codeGrants: 0,
    refreshGrants: 0,
    rejectedTokenRequests: 0,
    unauthorized: 0,
    ordersPlaced: 0,
    orderReplays: 0,
    duplicateOrders: 0,
    rateLimited: 0,
    retiredRouteHits: 0,
    droppedResponses: 0,
  };
}
