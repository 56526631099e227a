/**
 * Strict readers for the fields of a WebSocket request message. A bad field throws the simulator's
 * SimHttpError (httpCode 400) with a message naming the field, which the socket turns into its answer.
 */
import { findSecurity } from "../catalogue.js";
import { enumValue, fail, SimHttpError } from "../http.js";
import { EXCHANGES, type Exchange, type Security } from "../shapes.js";
import type { WsAnswer } from "./connection.js";

export type Message = Record<string, unknown>;

function present(message: Message, name: string): unknown {
  const value = name.split(".").reduce<unknown>((value, key) => (value as Message | undefined)?.[key], message);
  return value === null ? undefined : value;
}

export function optionalString(message: Message, name: string): string | undefined {
  const value = present(message, name);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw fail(400, `field '${name}' must be a string`);
  return value;
}

export function requiredString(message: Message, name: string): string {
  const value = optionalString(message, name);
  if (value === undefined || value === "") throw fail(400, `field '${name}' is required`);
  return value;
}

/** An id ALOR accepts as a string or a number (order numbers). */
export function requiredId(message: Message, name: string): string {
  const value = present(message, name);
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return requiredString(message, name);
}

export function optionalBoolean(message: Message, name: string): boolean | undefined {
  const value = present(message, name);
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw fail(400, `field '${name}' must be true or false`);
  return value;
}

export function optionalInteger(
  message: Message,
  name: string,
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {},
): number | undefined {
  const value = present(message, name);
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw fail(400, `field '${name}' must be an integer`);
  if (value < min || value > max) throw fail(400, `field '${name}' must be within [${min}, ${max}]`);
  return value;
}

export function optionalEnumList<T extends string>(message: Message, name: string, allowed: readonly T[]) {
  const value = present(message, name);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw fail(400, `field '${name}' must be an array`);
  return value.map((item, i) => enumValue(String(item), allowed, `field '${name}[${i}]'`));
}

export function exchangeField(message: Message): Exchange {
  return enumValue(requiredString(message, "exchange").toUpperCase(), EXCHANGES, "field 'exchange'");
}

/** The instrument named by `code` (and `instrumentGroup`, the board) on the message's exchange. */
export function instrumentField(message: Message, exchange: Exchange): Security {
  const code = requiredString(message, "code");
  const board = optionalString(message, "instrumentGroup");
  const security = findSecurity(exchange, code, board);
  if (!security) throw fail(400, `instrument ${exchange}:${code}${board ? ` on ${board}` : ""} is unknown`);
  return security;
}

/** A request frame decoded: its fields and guid, or what is wrong with it (and its guid, if it has one). */
export type ParsedRequest =
  | { ok: true; message: Message; guid: string; opcode: string }
  | { ok: false; guid: string | null; error: string };

export function parseRequest(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, guid: null, error: "the message is not JSON" };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, guid: null, error: "the message must be a JSON object" };
  }
  const message = value as Message;
  const guid = typeof message.guid === "string" && message.guid ? message.guid : null;
  if (!guid) return { ok: false, guid: null, error: "field 'guid' is required" };
  if (typeof message.opcode !== "string" || !message.opcode) {
    return { ok: false, guid, error: "field 'opcode' is required" };
  }
  return { ok: true, message, guid, opcode: message.opcode };
}

/** The text of a reply body: ALOR's `message`, a problem's `detail`, or the body itself. */
export function messageOf(body: unknown): string {
  if (body && typeof body === "object") {
    const { message, detail } = body as { message?: unknown; detail?: unknown };
    if (typeof message === "string") return message;
    if (typeof detail === "string") return detail;
  }
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** The answer to a request a field reader or handler refused; any other error is the simulator's own (500). */
export function refusal(error: unknown): WsAnswer {
  if (error instanceof SimHttpError) return { httpCode: error.reply.status, message: messageOf(error.reply.body) };
  return { httpCode: 500, message: `simulator error: ${error instanceof Error ? error.message : String(error)}` };
}
