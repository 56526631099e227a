/** The stream runtime's errors: every one a BrokerkitError, so messages and JSON are redacted. */
import { BrokerkitError, type ErrorDetails } from "@brokerkit/middleware";

export interface StreamErrorDetails extends ErrorDetails {
  stream?: string;
  channel?: string;
}

/** Base of the stream errors: names the stream (`alor data`) and, where it applies, the channel. */
export class StreamError extends BrokerkitError {
  readonly stream: string | undefined;
  readonly channel: string | undefined;
  constructor(message: string, details: StreamErrorDetails = {}) {
    super(message, details);
    this.stream = details.stream;
    this.channel = details.channel;
  }
}

/** A subscription whose policy never drops (orders, trades) fell `size` messages behind its reader. */
export class StreamOverflowError extends StreamError {
  readonly size: number;
  constructor(message: string, details: StreamErrorDetails & { size: number }) {
    super(message, details);
    this.size = details.size;
  }
}

/** The broker refused a subscribe, unsubscribe or command (its code and message are kept). */
export class StreamRequestError extends StreamError {
  readonly code: number | undefined;
  readonly body: unknown;
  constructor(message: string, details: StreamErrorDetails & { code?: number; body?: unknown }) {
    super(message, details);
    this.code = details.code;
    this.body = details.body;
  }
}

/** The connection could not be (re)established within the reconnect budget, or the client was closed. */
export class StreamClosedError extends StreamError {}
