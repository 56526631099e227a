/**
 * Reads every ordinary response body inside the stack, within the attempt's deadline, so that:
 * - a failure while reading (a reset mid-body, a truncated body) is a NetworkError that the retry layer
 *   above can replay under its usual rules, instead of a raw `TypeError: terminated` in the caller's
 *   `response.json()` after the stack has let go;
 * - no body larger than `maxResponseBytes` is buffered: a declared length over the limit is refused
 *   before reading, and an undeclared one is cut off (and the connection released) at the limit.
 * Streaming operations (flagged `stream` by the spec or manifest) are not buffered; instead each read
 * must bring bytes within `streamIdleTimeoutMs`, or the stream ends with a TimeoutError.
 * It sits right above the redirects layer and below the timeout layer, whose deadline thereby covers
 * the whole body.
 */
import { markBuffered } from "./compose.js";
import { ConfigError, NetworkError, ResponseTooLargeError, TimeoutError } from "./errors.js";
import { responseHeader } from "./header-snapshot.js";
import { redactUrl } from "./redact.js";
import { type BufferableResponse, bufferBody, isBufferable } from "./transport/buffer-body.js";
import type { CallContext, Handler, Layer } from "./types.js";

export interface BodyOptions {
  /** Largest response body read, in bytes. Default 32 MiB. */
  maxResponseBytes?: number;
  /** A streaming response that brings no byte for this long ends with a TimeoutError. Default 120 s; `false` for none. */
  streamIdleTimeoutMs?: number | false;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;

export function body(options: BodyOptions = {}): Layer {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new ConfigError(`body: maxResponseBytes must be a whole number ≥ 1, got ${String(maxBytes)}`);
  }
  const idleMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  if (idleMs !== false && !(Number.isFinite(idleMs) && idleMs > 0)) {
    throw new ConfigError(`body: streamIdleTimeoutMs must be a finite number > 0 or false, got ${String(idleMs)}`);
  }

  const handle = (response: Response, request: Request, context: CallContext): Response | Promise<Response> => {
    const stream = context.operation?.flags?.stream;
    // The default Node transport reads the body into the same response: no stream, no second Response.
    if (!stream && isBufferable(response)) {
      return bufferInPlace(response, request, context, maxBytes).then(() => markBuffered(response));
    }
    if (response.body === null) return response;
    if (stream) {
      return idleMs === false ? response : withIdleDeadline(response, request, idleMs);
    }
    return readWhole(response, request, context, maxBytes).then((buffered) =>
      markBuffered(rebuilt(response, buffered)),
    );
  };
  // Promise callbacks rather than an async function: no frame of its own per call.
  return (next: Handler): Handler =>
    (request: Request, context: CallContext): Promise<Response> =>
      next(request, context).then((response) => handle(response, request, context));
}

/** readWhole for a response that buffers itself: the same limits and the same errors. */
async function bufferInPlace(
  response: BufferableResponse,
  request: Request,
  context: CallContext,
  maxBytes: number,
): Promise<void> {
  const declared = declaredLength(response);
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, request, context, maxBytes, `declares ${declared} bytes`);
  }
  let whole: boolean;
  try {
    whole = await response[bufferBody](maxBytes);
  } catch (error) {
    throw readFailure(error, response, request, context);
  }
  if (!whole) throw tooLarge(response, request, context, maxBytes, `exceeded it while being read`);
}

/** A failed body read: the attempt's abort reason when it was aborted, else a NetworkError. */
function readFailure(error: unknown, response: Response, request: Request, context: CallContext): unknown {
  // An abort (the deadline, the caller) keeps its own reason: the timeout layer above names it.
  const signal = context.signal ?? request.signal;
  if (signal.aborted) return signal.reason;
  return new NetworkError(
    `${request.method} ${redactUrl(request.url)}: the connection failed while reading the ${response.status} response body`,
    { method: request.method, url: request.url, cause: error },
  );
}

/** The whole body, or a typed error: too large, a read failure, or the attempt's abort reason. */
async function readWhole(
  response: Response,
  request: Request,
  context: CallContext,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = declaredLength(response);
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, request, context, maxBytes, `declares ${declared} bytes`);
  }
  const reader = (response.body as ReadableStream<Uint8Array<ArrayBuffer>>).getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(response, request, context, maxBytes, `exceeded it while being read`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ResponseTooLargeError) throw error;
    throw readFailure(error, response, request, context);
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

function declaredLength(response: Response): number | undefined {
  const header = responseHeader(response, "content-length");
  if (header === null) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function tooLarge(
  response: Response,
  request: Request,
  context: CallContext,
  maxBytes: number,
  how: string,
): ResponseTooLargeError {
  const operation = context.operation ? `${context.operation.method} ${context.operation.template}` : undefined;
  const what = operation ?? `${request.method} ${redactUrl(request.url)}`;
  return new ResponseTooLargeError(
    `${what}: the ${response.status} response body ${how}, over maxResponseBytes (${maxBytes}); the rest was not read`,
    {
      method: request.method,
      url: request.url,
      status: response.status,
      limitBytes: maxBytes,
      ...(operation ? { operation } : {}),
    },
  );
}

/** A Response over the buffered bytes that keeps what callers read of the original (url, redirected). */
function rebuilt(original: Response, bytes: Uint8Array<ArrayBuffer>): Response {
  const copy = new Response(bytes.byteLength === 0 && nullBodyStatus(original.status) ? null : bytes, {
    status: original.status,
    statusText: original.statusText,
    headers: original.headers,
  });
  Object.defineProperty(copy, "url", { value: original.url });
  if (original.redirected) Object.defineProperty(copy, "redirected", { value: true });
  return copy;
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

/** The response with a body that fails with a TimeoutError when no byte arrives for `idleMs`. */
function withIdleDeadline(response: Response, request: Request, idleMs: number): Response {
  const source = (response.body as ReadableStream<Uint8Array>).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the stream failed on its own deadline, or the reader cancelled it: later reads are ignored. */
  let finished = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          finished = true;
          const error = new TimeoutError(
            `${request.method} ${redactUrl(request.url)}: the stream brought no data for ${idleMs} ms`,
            { method: request.method, url: request.url, timeoutMs: idleMs },
          );
          controller.error(error);
          void source.cancel(error).catch(() => {});
          resolve();
        }, idleMs);
        source.read().then(
          ({ done, value }) => {
            clearTimeout(timer);
            // The cancel after a timeout settles this read too; the stream has already failed.
            if (finished) return;
            if (done) controller.close();
            else controller.enqueue(value);
            resolve();
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (finished) return;
            controller.error(error);
            resolve();
          },
        );
      });
    },
    cancel(reason) {
      // A cancel settles the pending read with `done`; the controller must not be touched after it.
      finished = true;
      clearTimeout(timer);
      return source.cancel(reason);
    },
  });
  const copy = new Response(stream, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}
