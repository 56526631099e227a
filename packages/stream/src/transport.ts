/**
 * The socket: the runtime's global WebSocket where there is one (browsers, Deno, Bun, Node 22+), else
 * the `ws` package (Node 20), loaded only then. Both are driven through the same small surface.
 */

export interface Socket {
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet sent, where the implementation reports it. */
  readonly bufferedAmount: number;
  /** Sends a WebSocket ping, where the implementation can (`ws`; a browser WebSocket cannot). */
  ping?(): void;
}

export interface SocketEvents {
  open(): void;
  message(data: string | Uint8Array): void;
  /** The socket closed (cleanly or not); `error` when it failed. */
  close(code: number, reason: string, error?: unknown): void;
  /** A pong, or the server's ping, arrived: the connection is alive though no message came. */
  alive?(): void;
}

type WebSocketLike = {
  binaryType: string;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** Only `ws` has it: its EventEmitter side, where text arrives as a Buffer and binary is flagged. */
  on?(event: "message", listener: (data: Uint8Array, isBinary: boolean) => void): unknown;
};

type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: unknown) => WebSocketLike;

let fallback: Promise<WebSocketConstructor> | undefined;

/** The WebSocket class to use: the global one, else `ws`. */
export async function webSocketClass(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  return wsPackage();
}

function wsPackage(): Promise<WebSocketConstructor> {
  fallback ??= import("ws").then((module) => (module.default ?? module.WebSocket) as unknown as WebSocketConstructor);
  return fallback;
}

export interface OpenOptions {
  /** Extra handshake headers (only `ws` can send them; a browser WebSocket cannot). */
  headers?: Record<string, string>;
  /** A WebSocket class to use instead (tests, custom agents). */
  webSocket?: WebSocketConstructor;
}

/** Opens a socket and wires its events. Never throws synchronously for network reasons: failures arrive as `close`. */
export async function openSocket(url: string, events: SocketEvents, options: OpenOptions = {}): Promise<Socket> {
  let WebSocketClass = options.webSocket ?? (await webSocketClass());
  let isGlobal = WebSocketClass === (globalThis as { WebSocket?: unknown }).WebSocket;
  // A standard WebSocket cannot send handshake headers: on a server runtime, `ws` can.
  if (options.headers && isGlobal && !options.webSocket) {
    WebSocketClass = await wsPackage();
    isGlobal = false;
  }
  const socket =
    options.headers && !isGlobal
      ? new WebSocketClass(url, undefined, { headers: options.headers })
      : new WebSocketClass(url);
  let failure: unknown;
  socket.onopen = () => events.open();
  if (!isGlobal && typeof socket.on === "function") {
    // `ws`: its own 'message' event skips the MessageEvent that `onmessage` builds for every frame.
    socket.binaryType = "nodebuffer";
    socket.on("message", (data: Uint8Array, isBinary: boolean) => {
      // Text arrives as a Buffer, whose toString() decodes UTF-8 (ws has validated it). Binary is
      // copied, as the `onmessage` path does, so an adapter's view of it starts at offset 0.
      events.message(isBinary ? new Uint8Array(data) : data.toString());
    });
  } else {
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      const data = event.data;
      if (typeof data === "string") events.message(data);
      else if (data instanceof ArrayBuffer) events.message(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) events.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else events.message(String(data));
    };
  }
  socket.onerror = (event) => {
    failure = (event as { error?: unknown }).error ?? event;
  };
  socket.onclose = (event) => events.close(event.code, event.reason, failure);
  // `ws` surfaces pings and pongs (a browser WebSocket answers pings itself and shows neither).
  const node = socket as unknown as { on?: (event: string, listener: () => void) => void };
  if (typeof node.on === "function") {
    node.on("pong", () => events.alive?.());
    node.on("ping", () => events.alive?.());
  }
  return socket;
}
