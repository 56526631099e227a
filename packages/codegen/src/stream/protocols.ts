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
  /** The adapter export is a factory called with the REST client's runtime (it keeps per-stream state). */
  factory?: boolean;
  /** A generic type (exported by `module`) that wraps each subscription message, e.g. `SaxoUpdate`. */
  messageWrapper?: string;
  /** Every channel must have an `address` (the runtime passes it to the adapter). */
  needsAddress?: boolean;
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
  saxo: {
    adapter: "saxoStreaming",
    module: "@brokerkit/stream/saxo",
    kinds: ["subscription"],
    filledFields: ["ContextId", "ReferenceId", "ReplaceReferenceId"],
    constFields: [],
    factory: true,
    messageWrapper: "SaxoUpdate",
    needsAddress: true,
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
