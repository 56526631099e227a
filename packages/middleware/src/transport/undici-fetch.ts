/**
 * The default transport on Node (package.json `imports`: `#default-fetch`, condition `node`): a
 * fetch-compatible function over undici 7's `Dispatcher.request`. It keeps the fetch semantics the
 * brokerkit stack relies on (the bench checks each against global fetch):
 * - abort: the request's signal aborts the send and a body still being read, with the signal's reason;
 * - request bodies are read whole and sent with their Content-Length, as fetch sends a body of known
 *   size (a broker API takes small JSON or form bodies; chunked uploads are what some gateways refuse),
 *   and responses arrive as a ReadableStream;
 * - cookies: every Set-Cookie line survives (`headers.getSetCookie()`); like fetch, no jar of its own;
 * - redirects: `manual` returns the 3xx as is, `error` rejects, `follow` follows up to 20 hops the way
 *   fetch does (303, and 301/302 after POST, become GET; credentials are dropped on a cross-origin hop);
 * - gzip/deflate/br answers are decoded, like fetch, when the caller asked for them with Accept-Encoding.
 * - a chunked body cut short is an error, also on a `Connection: close` answer (Node 20's own fetch,
 *   on undici 6, takes it for a whole one).
 * It skips what costs fetch most: the WHATWG Request re-validation per call and the per-call
 * AbortSignal plumbing.
 *
 * undici is an optional peer dependency (1.8 MB installed, more than a whole broker package): it is
 * loaded on the first call, and where it is not installed the default transport is the global fetch.
 */
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Dispatcher } from "undici";
import { isAttemptSignal } from "../attempt-signal.js";
import { type HeaderSnapshot, keepHeaderSnapshot } from "../header-snapshot.js";
import { isLightRequest, markTakesLightRequests, toTransportRequest } from "../light-request.js";
import { neverAborts } from "../never-aborted.js";
import type { FetchLike } from "../types.js";
import { type BufferableResponse, bufferBody } from "./buffer-body.js";

/** What fetch accepts, which is wider than what the stack passes (a Request). */
export type UndiciFetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export interface UndiciFetchOptions {
  /** Default: a keep-alive Agent of its own. */
  dispatcher?: Dispatcher;
}

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const CROSS_ORIGIN_DROPPED = ["authorization", "cookie", "proxy-authorization"];

let shared: FetchLike | undefined;
let undici: Promise<typeof import("undici") | undefined> | undefined;

/** undici, once per process; undefined when it is not installed. */
function loadUndici(): Promise<typeof import("undici") | undefined> {
  undici ??= import("undici").then(
    (module) => module,
    () => undefined,
  );
  return undici;
}

/**
 * The transport clients use when `fetch:` is not given: one keep-alive Agent for the process when
 * undici is installed, else the global fetch (chosen on the first call, then fixed).
 */
export function defaultFetch(): FetchLike {
  if (shared) return shared;
  let chosen: FetchLike | undefined;
  const choose = async (): Promise<FetchLike> => {
    const module = await loadUndici();
    chosen ??= module
      ? createUndiciFetch()
      : (input, init) => globalThis.fetch(toTransportRequest(input), realSignal(init));
    return chosen;
  };
  // Once chosen, a call goes straight on: no async frame of its own.
  shared = markTakesLightRequests((input: Request, init?: RequestInit) =>
    chosen ? chosen(input, init) : choose().then((fetch) => fetch(input, init)),
  );
  return shared;
}

/** Whether the default transport on this runtime is undici's (it is installed). */
export async function undiciAvailable(): Promise<boolean> {
  return (await loadUndici()) !== undefined;
}

export function createUndiciFetch(options: UndiciFetchOptions = {}): UndiciFetch {
  let dispatcher: Dispatcher | undefined = options.dispatcher;
  const ownAgent = async (): Promise<Dispatcher> => {
    const module = await loadUndici();
    if (!module) throw new Error("createUndiciFetch needs the undici package (npm install undici@7)");
    return new module.Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  };

  async function send(url: URL, method: string, headers: Headers, body: Uint8Array | null, signal: AbortSignal) {
    dispatcher ??= await ownAgent();
    const data = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      signal,
    });
    return data;
  }

  return markTakesLightRequests(async (input: Request | string | URL, init?: RequestInit) => {
    // A Request with only `signal` and `redirect` in init (what the brokerkit stack passes) is not copied.
    const asIs = (isLightRequest(input) || input instanceof Request) && onlySignalOrRedirect(init);
    const request = asIs ? input : new Request(toTransportRequest(input as Request), realSignal(init));
    const signal = init?.signal ?? request.signal;
    const redirect = init?.redirect ?? request.redirect;
    if (signal.aborted) throw signal.reason;
    let url = isLightRequest(request) ? request.parsedUrl : new URL(request.url);
    let method = request.method;
    let headers = request.headers;
    // Read once, up front: sent with its length, and again as it is after a 307/308.
    let body: Uint8Array | null = isLightRequest(request)
      ? request.takeBody()
      : request.body === null
        ? null
        : new Uint8Array(await request.arrayBuffer());

    for (let hop = 0; ; hop++) {
      const data = await send(url, method, headers, body, signal);
      const location = REDIRECTS.has(data.statusCode) ? headerValue(data.headers.location) : undefined;
      if (location === undefined || redirect === "manual") return toResponse(data, url, signal);
      data.body.on("error", ignore).resume();
      if (redirect === "error") throw new TypeError(`fetch failed: redirect from ${url.origin} refused`);
      if (hop >= MAX_REDIRECTS) throw new TypeError("fetch failed: too many redirects");
      const target = new URL(location, url);
      if (target.origin !== url.origin) {
        headers = new Headers(headers);
        for (const name of CROSS_ORIGIN_DROPPED) headers.delete(name);
      }
      if (data.statusCode === 303 ? method !== "HEAD" : data.statusCode <= 302 && method === "POST") {
        method = "GET";
        body = null;
        headers = new Headers(headers);
        for (const name of ["content-type", "content-length", "content-encoding", "content-language"])
          headers.delete(name);
      }
      url = target;
    }
  });
}

/**
 * Whether `init` changes nothing this transport sends besides the signal and the redirect mode: it
 * reads only the method, URL, headers and body of a request. (Property checks rather than a `for…in`
 * over the keys: the brokerkit stack passes inits of several shapes, where key enumeration is slow.)
 */
function onlySignalOrRedirect(init: RequestInit | undefined): boolean {
  return init === undefined || (init.method === undefined && init.headers === undefined && init.body === undefined);
}

/** `init` with a real AbortSignal in place of an attempt signal, for a Request or another fetch. */
function realSignal(init: RequestInit | undefined): RequestInit | undefined {
  return isAttemptSignal(init?.signal) ? { ...init, signal: init.signal.toAbortSignal() } : init;
}

function ignore(): void {}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function toResponse(data: Dispatcher.ResponseData, url: URL, signal: AbortSignal): Response {
  // Whoever reads a body sees its errors; a body nobody reads (cancelled, aborted, dropped) must not
  // turn its error into an uncaught exception, as a destroyed undici body emits one.
  data.body.on("error", ignore);
  let body: Readable | null = NULL_BODY.has(data.statusCode) ? null : data.body;
  if (body === null) data.body.resume();
  const decoder = body && decoderFor(headerValue(data.headers["content-encoding"]) ?? null);
  if (body && decoder) {
    // pipe() does not pass a source error on: the decoded body must end with it, not wait forever.
    data.body.once("error", (error) => decoder.destroy(error));
    body = body.pipe(decoder).on("error", ignore);
  }
  // Name/value pairs straight into the Response: one header list instead of a Headers object copied into it.
  const headers: [string, string][] = [];
  // undici's header object (lower-case names) is kept as the layers' snapshot (header-snapshot.ts).
  let snapshot: HeaderSnapshot = data.headers;
  for (const name in data.headers) {
    const value = data.headers[name];
    if (value === undefined) continue;
    // A decoded body no longer has the length or encoding the server declared.
    if (decoder && (name === "content-encoding" || name === "content-length")) {
      const { [name]: _dropped, ...rest } = snapshot;
      snapshot = rest;
      continue;
    }
    if (Array.isArray(value)) for (const item of value) headers.push([name, item]);
    else headers.push([name, value]);
  }
  if (body && !signal.aborted && !neverAborts(signal)) {
    // Aborting after the headers ends a body still being read, with the signal's reason.
    const stream = body;
    const onAbort = () => stream.destroy(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    stream.once("close", () => signal.removeEventListener("abort", onAbort));
  }
  const init = { status: data.statusCode, statusText: data.statusText, headers };
  return keepHeaderSnapshot(new NodeBodyResponse(body, init, url.href), snapshot);
}

/**
 * A Response whose body stays a Node stream unless someone reads `body` as a stream: json(), text()
 * and arrayBuffer() read the Node stream directly, which skips the WHATWG stream machinery that costs
 * fetch most of its time. `body` is a ReadableStream that pulls from the Node stream only when read,
 * so checking it (`response.body === null`) costs little and does not take the fast path away.
 */
class NodeBodyResponse extends Response implements BufferableResponse {
  #source: Readable | null;
  /** The whole body, once the body layer had it read ([bufferBody]). */
  #buffered: Buffer | undefined;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;
  /** Set once the body is read as a stream (or after clone()): reads then go through the stream. */
  #viaStream = false;
  #used = false;

  readonly #url: string;

  constructor(source: Readable | null, init: ResponseInit, url: string) {
    super(null, init);
    this.#source = source;
    this.#url = url;
  }

  override get url(): string {
    return this.#url;
  }

  async [bufferBody](maxBytes: number): Promise<boolean> {
    if (this.#used || this.#viaStream || this.#stream?.locked) {
      throw new TypeError("Body is unusable: Body has already been read");
    }
    const source = this.#source;
    if (!source || this.#buffered) return true;
    // Stream events rather than an async iterator: no promise per chunk.
    return new Promise<boolean>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let settled = false;
      const settle = (whole: boolean, error?: unknown) => {
        if (settled) return;
        settled = true;
        source.off("data", onData);
        if (error !== undefined) return reject(error);
        if (whole) this.#buffered = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
        resolve(whole);
      };
      const onData = (chunk: Buffer) => {
        total += chunk.byteLength;
        if (total <= maxBytes) chunks.push(chunk);
        else {
          settle(false);
          source.destroy();
        }
      };
      source.on("data", onData);
      source.once("end", () => settle(true));
      source.once("error", (error) => settle(false, error));
      // Closed without an end or an error of its own: the body was cut. (Checked first: an Error costs
      // a stack trace, and every whole body closes too.)
      source.once("close", () => {
        if (!settled) settle(false, new TypeError("terminated: the response body ended early"));
      });
    });
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#stream === undefined && this.#buffered) {
      const bytes = new Uint8Array(this.#buffered);
      this.#stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
        {
          pull: (controller) => {
            this.#viaStream = true;
            controller.enqueue(bytes);
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
    }
    if (this.#stream === undefined) {
      const source = this.#source;
      let chunks: AsyncIterator<Buffer> | undefined;
      this.#stream = source
        ? new ReadableStream<Uint8Array<ArrayBuffer>>(
            {
              pull: async (controller) => {
                this.#viaStream = true;
                chunks ??= source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
                const { done, value } = await chunks.next();
                if (done) controller.close();
                else controller.enqueue(new Uint8Array(value));
              },
              cancel: (reason) => {
                source.destroy(reason instanceof Error ? reason : undefined);
              },
            },
            { highWaterMark: 0 },
          )
        : null;
    }
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#used || this.#viaStream;
  }

  async #bytes(): Promise<Buffer> {
    if (this.#used || this.#stream?.locked) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    if (this.#viaStream && this.#stream) return Buffer.from(await new Response(this.#stream).arrayBuffer());
    if (this.#buffered) return this.#buffered;
    const source = this.#source;
    if (!source) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(chunk as Buffer);
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  override async text(): Promise<string> {
    return (await this.#bytes()).toString("utf8");
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  override async blob(): Promise<Blob> {
    return new Blob([new Uint8Array(await this.#bytes())], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    return new Response(this.body, { headers: this.headers }).formData();
  }

  override clone(): Response {
    const [mine, theirs] = (this.body ?? new ReadableStream()).tee();
    this.#stream = mine;
    this.#viaStream = true;
    const copy = new Response(this.#source ? theirs : null, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    Object.defineProperty(copy, "url", { value: this.url });
    return copy;
  }
}

function decoderFor(encoding: string | null) {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
