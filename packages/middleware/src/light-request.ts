/**
 * The request of a typed call as the stack passes it between layers: a plain description (method, URL,
 * headers, body, signal) with the members of a WHATWG Request, built from what openapi-fetch hands its
 * `Request` constructor. A real Request costs most of what the stack adds to a call (URL re-validation,
 * a header list copied and validated, an AbortSignal that follows the caller's, finalizer bookkeeping),
 * and the default Node transport never needed one: it reads method, URL, headers and body. So a typed
 * call's request stays light all the way down, and a real Request is built once at the bottom, only
 * for a transport that wants one (`toTransportRequest`: the runtime's fetch, a `fetch:` override).
 *
 * Only the stack sees these objects: openapi-fetch middleware, which expects real Requests, turns
 * them off (compose-client.ts), as does any body but a string or bytes (a FormData keeps its Request).
 */

import { NEVER_ABORTED, neverAborts } from "./never-aborted.js";

/** Bodies a light request keeps as they are; others need a real Request to be serialised. */
type LightBody = string | Uint8Array<ArrayBuffer> | ArrayBuffer;

export function isLightBody(body: unknown): body is LightBody | null | undefined {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer
  );
}

/** What a copy may change; the rest comes from the request copied. */
export interface RequestChanges {
  url?: string;
  method?: string;
  headers?: Headers;
  body?: LightBody | null;
  /** `null`: the copy does not follow the original's signal. */
  signal?: AbortSignal | null;
  redirect?: RequestRedirect;
  credentials?: RequestCredentials;
}

/** Methods a Request upper-cases (fetch's "normalize a method"). */
const NORMALISED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const encoder = new TextEncoder();

/**
 * Marks light requests by a registered symbol rather than by class: the transport may come from
 * another copy of this module (a CommonJS and an ESM build in one process, a test that loads sources
 * next to a build), whose class is another.
 */
const LIGHT = Symbol.for("brokerkit.lightRequest");

export function isLightRequest(request: unknown): request is LightRequest {
  return typeof request === "object" && request !== null && (request as Record<symbol, unknown>)[LIGHT] === true;
}

export class LightRequest implements Request {
  /** See isLightRequest. */
  get [LIGHT](): true {
    return true;
  }

  // Declared, not defined: `fill` sets every field, in one order, on a new request and on a copy alike,
  // so the constructor does not define them once more beforehand.
  declare readonly method: string;
  declare readonly headers: Headers;
  declare readonly redirect: RequestRedirect;
  declare readonly credentials: RequestCredentials;
  declare readonly signal: AbortSignal;
  // TypeScript-private rather than #private: `copy` fills them in on an object made without the constructor.
  declare private href: string;
  declare private parsed: URL | undefined;
  declare private source: LightBody | null;
  declare private used: boolean;
  declare private stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  /**
   * The path template of the typed call that made it (`/v2/orders/{order_id}`), set by the client: the
   * operation table then checks that template first. A copy has none (its URL may have changed).
   */
  declare template: string | undefined;

  /** The constructor openapi-fetch calls: `new Request(url, init)`, with a light body (see isLightBody). */
  constructor(input: string | URL, init: RequestInit = {}) {
    const parsed = new URL(input);
    const upper = (init.method ?? "GET").toUpperCase();
    const method = NORMALISED_METHODS.has(upper) ? upper : (init.method ?? "GET");
    const source = init.body ?? null;
    if (source !== null && (method === "GET" || method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body.");
    }
    if (!isLightBody(source)) throw new TypeError("LightRequest: the body must be a string or bytes");
    // Bytes are taken as they are now, as a Request takes them: a later change by the caller is not sent.
    const body =
      typeof source === "string" || source === null
        ? source
        : source instanceof ArrayBuffer
          ? new Uint8Array(source.slice(0))
          : source.slice();
    // openapi-fetch hands over a Headers object of its own making, used for nothing else: no copy.
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    if (typeof body === "string" && !headers.has("content-type")) {
      headers.set("content-type", "text/plain;charset=UTF-8");
    }
    fill(this, {
      method,
      headers,
      redirect: init.redirect ?? "follow",
      credentials: init.credentials ?? "same-origin",
      signal: init.signal ?? NEVER_ABORTED,
      href: parsed.href,
      parsed,
      source: body,
    });
  }

  get url(): string {
    return this.href;
  }

  /** The URL parsed once, for the transport (which needs origin and path apart). */
  get parsedUrl(): URL {
    this.parsed ??= new URL(this.href);
    return this.parsed;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.source === null) return null;
    if (!this.stream) {
      const request = this;
      this.stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
        {
          pull(controller) {
            const bytes = request.take();
            if (bytes.byteLength > 0) controller.enqueue(bytes);
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
    }
    return this.stream;
  }

  /** Whether there is a body (which may be empty), as `body !== null` says of a Request. */
  get hasSource(): boolean {
    return this.source !== null;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The body's bytes, consumed as a Request's body read is (null: none). Synchronous: no stream to drain. */
  takeBody(): Uint8Array<ArrayBuffer> | null {
    return this.source === null ? null : this.take();
  }

  private take(): Uint8Array<ArrayBuffer> {
    if (this.used || this.stream?.locked) throw new TypeError("Body is unusable: Body has already been read");
    this.used = true;
    return toBytes(this.source);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.take();
  }

  async text(): Promise<string> {
    const source = this.source;
    if (typeof source === "string") {
      this.take();
      return source;
    }
    return new TextDecoder().decode(this.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    return new Blob([this.take()], { type: this.headers.get("content-type") ?? "" });
  }

  async formData(): Promise<FormData> {
    return new Response(this.take(), { headers: this.headers }).formData();
  }

  clone(): LightRequest {
    if (this.used || this.stream?.locked) throw new TypeError("Request.clone: Body has already been consumed.");
    return this.copy({});
  }

  /**
   * A copy with some members changed, as `new Request(request, changes)` would make it, without
   * parsing or validating again what did not change. Like a Request's, the copy's headers are its own.
   */
  copy(changes: RequestChanges): LightRequest {
    const parsed = changes.url === undefined ? this.parsed : new URL(changes.url);
    return fill(Object.create(LightRequest.prototype) as LightRequest, {
      method: changes.method ?? this.method,
      headers: changes.headers ?? new Headers(this.headers),
      redirect: changes.redirect ?? this.redirect,
      credentials: changes.credentials ?? this.credentials,
      signal: changes.signal === null ? NEVER_ABORTED : (changes.signal ?? this.signal),
      href: parsed?.href ?? this.href,
      parsed,
      source: changes.body === undefined ? this.source : changes.body,
    });
  }

  // A Request's other members, with fetch's defaults for a request made by a script.
  get cache(): RequestCache {
    return "default";
  }
  get destination(): RequestDestination {
    return "";
  }
  get integrity(): string {
    return "";
  }
  get keepalive(): boolean {
    return false;
  }
  get mode(): RequestMode {
    return "cors";
  }
  get referrer(): string {
    return "about:client";
  }
  get referrerPolicy(): ReferrerPolicy {
    return "";
  }
  get duplex(): "half" {
    return "half";
  }
}

interface Fields {
  method: string;
  headers: Headers;
  redirect: RequestRedirect;
  credentials: RequestCredentials;
  signal: AbortSignal;
  href: string;
  parsed: URL | undefined;
  source: LightBody | null;
}

/** Sets every field in one order, for the constructor and for copies alike (one object shape). */
function fill(request: LightRequest, fields: Fields): LightRequest {
  const target = request as unknown as Fields & { used: boolean; stream: undefined; template: undefined };
  target.method = fields.method;
  target.headers = fields.headers;
  target.redirect = fields.redirect;
  target.credentials = fields.credentials;
  target.signal = fields.signal;
  target.href = fields.href;
  target.parsed = fields.parsed;
  target.source = fields.source;
  target.used = false;
  target.stream = undefined;
  target.template = undefined;
  return request;
}

function toBytes(source: LightBody | null): Uint8Array<ArrayBuffer> {
  if (source === null) return new Uint8Array(0);
  if (typeof source === "string") return encoder.encode(source) as Uint8Array<ArrayBuffer>;
  // Bytes are never written to: every reader may have the same ones.
  return source instanceof ArrayBuffer ? new Uint8Array(source) : source;
}

/**
 * `new Request(request, changes)` for either kind: a light request stays light, a real one is copied
 * as fetch copies it (the copy follows the original's signal unless `signal` is given).
 */
export function copyRequest(request: Request, changes: RequestChanges): Request {
  if (isLightRequest(request)) return request.copy(changes);
  const { url, ...init } = changes;
  const copy = new Request(request, init);
  // A Request as the init of another: every member carried over but the URL.
  return url === undefined ? copy : new Request(url, copy);
}

/** The real Request a transport that wants one is given: built once, at the bottom of the stack. */
export function toTransportRequest(request: Request): Request {
  if (!isLightRequest(request)) return request;
  const body = request.takeBody();
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    ...(body === null ? {} : { body }),
    redirect: request.redirect,
    credentials: request.credentials,
    ...(neverAborts(request.signal) ? {} : { signal: request.signal }),
  });
}

/**
 * Transports that take a light request and an attempt signal (attempt-signal.ts) as they are: the
 * undici transport reads the request's members directly, and undici takes any EventTarget-like signal.
 */
const takesLight = Symbol.for("brokerkit.takesLightRequests");

export function markTakesLightRequests<T extends (...args: never[]) => unknown>(transport: T): T {
  (transport as unknown as Record<symbol, boolean>)[takesLight] = true;
  return transport;
}

export function takesLightRequests(transport: unknown): boolean {
  return typeof transport === "function" && (transport as unknown as Record<symbol, unknown>)[takesLight] === true;
}

/** Whether a request has a body, without making a light request build its body stream. */
export function hasBody(request: Request): boolean {
  return isLightRequest(request) ? request.hasSource : request.body !== null;
}
