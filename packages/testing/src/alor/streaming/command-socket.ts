/**
 * ALOR's command socket (`/cws`): `authorize` with a JWT first (again with each new token), then order
 * commands, each answered `{ requestGuid, httpCode, message, orderNumber? }`. A command's guid is its
 * idempotency key: a guid the user already sent is not executed again, and the first outcome is
 * repeated (unless the command says `checkDuplicates: false`). Commands count against the same per-user
 * limit as REST requests. An expired connection JWT refuses commands with 401 until re-authorised.
 */
import type { SlidingWindowLimiter } from "../rate-limiter.js";
import type { AlorWorld } from "../route.js";
import type { TokenIssuer } from "../tokens.js";
import type { WsAnswer, WsConnection } from "./connection.js";
import type { AlorWsCounters } from "./counters.js";
import { type Message, parseRequest, refusal } from "./message-fields.js";
import { ORDER_COMMANDS } from "./order-commands.js";

const INVALID_JWT = "Invalid JWT token!";

export interface CommandSocketDeps {
  tokens: TokenIssuer;
  world: AlorWorld;
  limiter: SlidingWindowLimiter;
  counters: AlorWsCounters;
}

export class CommandSocket {
  /** The JWT each connection was authorised with (checked again on every command). */
  private readonly authorized = new WeakMap<WsConnection, string>();
  /** First outcomes by login and guid. */
  private readonly outcomes = new Map<string, WsAnswer>();
  /** How many times each guid was executed. */
  readonly executions = new Map<string, number>();
  private repliesToLose = 0;

  constructor(private readonly deps: CommandSocketDeps) {}

  /** The next `times` executed commands run, but their replies are never sent. */
  loseNextReply(times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`loseNextReply: times must be ≥ 1, got ${times}`);
    this.repliesToLose += times;
  }

  handle(connection: WsConnection, text: string): void {
    const request = parseRequest(text);
    if (!request.ok) {
      connection.answer(request.guid, { httpCode: 400, message: request.error });
      return;
    }
    const { message, guid, opcode } = request;
    if (opcode === "authorize") {
      this.authorize(connection, message, guid);
      return;
    }
    const command = ORDER_COMMANDS[opcode];
    if (!command) {
      connection.answer(guid, { httpCode: 400, message: `unknown opcode '${opcode}'` });
      return;
    }
    this.deps.counters.commands++;
    const token = this.authorized.get(connection);
    if (!token) {
      this.unauthorized(connection, guid, "the connection is not authorised; send authorize first");
      return;
    }
    const caller = this.deps.tokens.check(`Bearer ${token}`);
    if (!caller.ok) {
      this.unauthorized(connection, guid, INVALID_JWT);
      return;
    }
    const login = caller.user.login;
    const { limiter } = this.deps;
    if (!limiter.admit(login, performance.now()).ok) {
      this.deps.counters.rateLimited++;
      connection.answer(guid, {
        httpCode: 429,
        message: `more than ${limiter.limit} requests in ${limiter.windowMs} ms`,
      });
      return;
    }
    const key = `${login}\n${guid}`;
    const earlier = message.checkDuplicates === false ? undefined : this.outcomes.get(key);
    if (earlier) {
      this.deps.counters.duplicateCommands++;
      connection.answer(guid, earlier);
      return;
    }
    this.executions.set(guid, (this.executions.get(guid) ?? 0) + 1);
    let outcome: WsAnswer;
    try {
      outcome = command({ message, caller, world: this.deps.world, raw: connection.request });
    } catch (error) {
      outcome = refusal(error);
    }
    if (outcome.httpCode < 500 && !this.outcomes.has(key)) this.outcomes.set(key, outcome);
    if (this.repliesToLose > 0) {
      this.repliesToLose--;
      this.deps.counters.lostReplies++;
      return;
    }
    connection.answer(guid, outcome);
  }

  private authorize(connection: WsConnection, message: Message, guid: string): void {
    const token = typeof message.token === "string" && message.token ? message.token : undefined;
    if (!token || !this.deps.tokens.check(`Bearer ${token}`).ok) {
      this.authorized.delete(connection);
      this.unauthorized(connection, guid, INVALID_JWT);
      return;
    }
    this.authorized.set(connection, token);
    connection.answer(guid, { httpCode: 200, message: "the connection is authorised" });
  }

  private unauthorized(connection: WsConnection, guid: string, message: string): void {
    this.deps.counters.unauthorized++;
    connection.answer(guid, { httpCode: 401, message });
  }
}
