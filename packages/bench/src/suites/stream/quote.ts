/** The feed's ALOR quote message (Simple format), as the feed server sends it and the parse floor reads it. */

/** Milliseconds on the clock every process shares (timeOrigin + now), for latency across processes. */
export const clock = () => performance.timeOrigin + performance.now();

/** Quote number `i` of subscription `guid`, as JSON text; `sentAt` is the time it was made. */
export function quote(guid: string, i: number): string {
  return JSON.stringify({
    data: {
      symbol: "SBER",
      exchange: "MOEX",
      description: "Sberbank",
      prev_close_price: 250.1,
      last_price: 250 + (i % 100) / 100,
      open_price: 249.5,
      high_price: 252.3,
      low_price: 248.9,
      ask: 250.2,
      bid: 250.1,
      ask_vol: 1200 + (i % 7),
      bid_vol: 900 + (i % 5),
      volume: 100000 + i,
      change: 0.4,
      change_percent: 0.16,
      last_price_timestamp: 1733475600 + i,
      lotsize: 10,
      seq: i,
      sentAt: clock(),
    },
    guid,
  });
}
