/** What the Alpaca simulator's WebSocket streams counted, for tests to assert on. */
export interface AlpacaStreamCounters {
  /** Sockets of the market data feeds (every feed path) and of the trading stream: open now, and since the start. */
  connections: { data: { current: number; total: number }; trading: { current: number; total: number } };
  /** Sockets whose handshake asked for MessagePack. */
  msgpackSockets: number;
  /** `auth` messages refused for a bad key pair or token (both streams). */
  authFailures: number;
  /** Authentications refused with 406 (the account's connection limit on the feed). */
  connectionLimitRefusals: number;
  /** Requests refused with 405, 409 or 410. */
  refused: number;
  subscribeMessages: number;
  unsubscribeMessages: number;
  /** `listen` messages on the trading stream. */
  listenMessages: number;
  /** Market data messages sent (frames dropped by silence() are not counted). */
  dataMessages: number;
  /** trade_updates events sent (re-sent ones included). */
  tradeUpdates: number;
  /** WebSocket pings received (answered with a pong unless the socket is silent). */
  pings: number;
  /** Sockets destroyed by dropAll(). */
  dropped: number;
}

export function newStreamCounters(): AlpacaStreamCounters {
  return {
    connections: { data: { current: 0, total: 0 }, trading: { current: 0, total: 0 } },
    msgpackSockets: 0,
    authFailures: 0,
    connectionLimitRefusals: 0,
    refused: 0,
    subscribeMessages: 0,
    unsubscribeMessages: 0,
    listenMessages: 0,
    dataMessages: 0,
    tradeUpdates: 0,
    pings: 0,
    dropped: 0,
  };
}
