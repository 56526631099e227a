/**
 * The protocol adapters of @brokerkit/stream that generated stream factories can use: where each is
 * imported from, which channel kinds it serves, and which request fields it fills itself (so they are
 * not the caller's to pass). A protocol named in a manifest must be listed here.
 */
export interface StreamProtocol {
  /** Export name of the adapter. */
  adapter: string;
  /** Module it is imported from. */
  module: string;
  /** Channel kinds the adapter implements. */
  kinds: readonly ("subscription" | "command")[];
  /** Request fields the runtime or the adapter fills in; left out of the params type. */
  filledFields: readonly string[];
  /** Request fields every send payload must declare as a `const` (they tell requests apart on the wire). */
  constFields: readonly string[];
}

export const STREAM_PROTOCOLS: Readonly<Record<string, StreamProtocol>> = {
  "alor-ws": {
    adapter: "alorData",
    module: "@brokerkit/stream/alor",
    kinds: ["subscription"],
    filledFields: ["opcode", "guid", "token"],
    constFields: ["opcode"],
  },
  "alor-cws": {
    adapter: "alorCommands",
    module: "@brokerkit/stream/alor",
    kinds: ["command"],
    filledFields: ["opcode", "guid", "token"],
    constFields: ["opcode"],
  },
  "alpaca-data": {
    adapter: "alpacaData",
    module: "@brokerkit/stream/alpaca",
    kinds: ["subscription"],
    filledFields: ["action"],
    constFields: ["action"],
  },
  "alpaca-trading": {
    adapter: "alpacaTrading",
    module: "@brokerkit/stream/alpaca",
    kinds: ["subscription"],
    filledFields: ["action", "data"],
    constFields: ["action"],
  },
};
