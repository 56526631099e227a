/**
 * Signed requests (exchange-style APIs, e.g. Binance): the API key goes in a header on every call;
 * operations flagged `signed` also get the server-clock timestamp, a receive window and an HMAC of
 * the payload, computed per attempt by the signing layer (signing.ts), after every other layer has
 * changed the request. The secret is registered for redaction and never leaves the HMAC key.
 */

import { disposable } from "../compose.js";
import type { SignatureSchemeConfig } from "../config.js";
import { registerSecret } from "../redact.js";
import type { FetchLike } from "../types.js";
import { hmacSigner } from "./hmac.js";
import { requireOption } from "./options.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";
import { ServerClock } from "./server-clock.js";

export interface SignatureOptions extends Omit<SignatureSchemeConfig, "kind" | "name"> {
  apiKey: string;
  secretKey: string;
  name?: string;
  /**
   * Transport for the server-time request. A client passes its own stack, so that the request is
   * throttled like any other (it has a weight too).
   */
  fetch?: FetchLike;
  /** Wall clock in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
}

export function signature(options: SignatureOptions): CredentialProvider {
  const name = options.name ?? "signature";
  const apiKey = requireOption(name, "apiKey", options.apiKey);
  const secretKey = requireOption(name, "secretKey", options.secretKey);
  registerSecret(apiKey);
  registerSecret(secretKey);
  const sign = hmacSigner(options.algorithm, secretKey, options.encoding);
  const now = options.now ?? Date.now;
  const clock = options.serverTime
    ? new ServerClock({ ...options.serverTime, ...(options.fetch ? { fetch: options.fetch } : {}), now })
    : undefined;
  const timestamp = options.timestamp;
  const window = options.receiveWindow;
  const dropped = new Set([options.signature.name, timestamp.name]);

  return {
    kind: "signature",
    name,
    identity: credentialIdentity("signature", apiKey),
    headerNames: [options.keyHeader.toLowerCase()],
    apply(headers) {
      headers.set(options.keyHeader, apiKey);
    },
    async prepare(signal) {
      await clock?.serverNow(signal);
    },
    async sign(request, signal) {
      const time = String(clock ? await clock.current(signal) : Math.round(now()));
      const queryAt = request.url.indexOf("?");
      const base = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
      // The raw query as serialized, so that what is signed is byte for byte what is sent.
      const parts = (queryAt < 0 ? "" : request.url.slice(queryAt + 1))
        .split("&")
        .filter((part) => part !== "" && !dropped.has(parameterName(part)));
      const headers = new Headers(request.headers);
      if (timestamp.in === "query") {
        if (window && !parts.some((part) => parameterName(part) === window.name)) {
          parts.push(`${encodeURIComponent(window.name)}=${window.valueMs}`);
        }
        parts.push(`${encodeURIComponent(timestamp.name)}=${time}`);
      } else {
        headers.set(timestamp.name, time);
        if (window && !headers.has(window.name)) headers.set(window.name, String(window.valueMs));
      }
      const query = parts.join("&");
      const body = request.body === null ? "" : await request.text();
      const mac = await sign(payloadOf(options, { method: request.method, base, query, body, time }));
      let url = query === "" ? base : `${base}?${query}`;
      if (options.signature.in === "query") {
        url += `${query === "" ? "?" : "&"}${encodeURIComponent(options.signature.name)}=${encodeURIComponent(mac)}`;
      } else {
        headers.set(options.signature.name, mac);
      }
      return disposable(
        new Request(url, {
          method: request.method,
          headers,
          redirect: request.redirect,
          ...(request.body === null ? {} : { body }),
        }),
      );
    },
  };
}

interface Signed {
  method: string;
  base: string;
  query: string;
  body: string;
  time: string;
}

function payloadOf(options: SignatureOptions, signed: Signed): string {
  switch (options.payload) {
    case "query":
      return signed.query;
    case "body":
      return signed.body;
    case "query+body":
      return signed.query + signed.body;
    case "template": {
      const path = new URL(signed.base).pathname;
      const values: Record<string, string> = {
        method: signed.method.toUpperCase(),
        path,
        query: signed.query,
        body: signed.body,
        timestamp: signed.time,
      };
      return (options.template ?? "").replace(
        /\{(method|path|query|body|timestamp)\}/g,
        (_, key: string) => values[key] ?? "",
      );
    }
  }
}

function parameterName(part: string): string {
  const equals = part.indexOf("=");
  const raw = equals < 0 ? part : part.slice(0, equals);
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}
