/**
 * ALOR's two WebSocket protocols (Warp API), as its reference documents them:
 * - data (`/ws`): every request is JSON with an `opcode`, a client `guid` and the JWT in `token`; the
 *   broker confirms it with `{ requestGuid, httpCode, message }`, then sends `{ data, guid }` for the
 *   subscription; `{ opcode: "unsubscribe", guid, token }` ends it.
 * - commands (`/cws`): `authorize` with the JWT first (again with each new token), then order commands,
 *   each with a `guid` that the broker executes at most once and answers with
 *   `{ requestGuid, httpCode, message, orderNumber? }`.
 * An expired JWT (httpCode 401) is refreshed once through the shared credential and the request sent again.
 */
import type {
  Ack,
  ActiveSubscription,
  AdapterSocket,
  Incoming,
  ProtocolAdapter,
  SubscribeRequest,
} from "../adapter.js";
import { StreamRequestError } from "../errors.js";

const UNAUTHORIZED = 401;

const utf8 = new TextDecoder();

/** Decodes ALOR's JSON frames: confirmations and replies by `requestGuid`, data by `guid`. */
function decode(frame: string | Uint8Array): Incoming[] {
  const text = typeof frame === "string" ? frame : utf8.decode(frame);
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return [{ kind: "malformed", reason: `a frame that is not JSON (${text.length} characters)` }];
  }
  if (!message || typeof message !== "object" || Array.isArray(message)) {
    return [{ kind: "malformed", reason: "a frame that is not a JSON object" }];
  }
  const fields = message as Record<string, unknown>;
  if (typeof fields.requestGuid === "string" && fields.httpCode !== undefined) {
    const code = Number(fields.httpCode);
    const ack: Ack = { ok: code >= 200 && code < 300, code, body: message };
    if (typeof fields.message === "string") ack.message = fields.message;
    return [{ kind: "ack", id: fields.requestGuid, ack }];
  }
  if (typeof fields.guid === "string" && "data" in fields) return [{ kind: "data", key: fields.guid, message }];
  return [{ kind: "malformed", reason: "a frame with neither requestGuid nor guid and data" }];
}

/**
 * Sends a token-carrying request and awaits its answer; on a 401 (the JWT expired) renews the token
 * once, shared with REST, and sends it again with the same id.
 */
async function sendWithToken(
  socket: AdapterSocket,
  id: string,
  build: (token: string) => Record<string, unknown>,
): Promise<Ack> {
  let token = await socket.token();
  for (let attempt = 0; ; attempt++) {
    const answer = socket.awaitAck(id);
    socket.send(build(token));
    const ack = await answer;
    if (ack.code !== UNAUTHORIZED || attempt > 0) return ack;
    const renewed = await socket.renewToken(token);
    if (renewed === undefined) return ack;
    token = renewed;
  }
}

function refused(socket: AdapterSocket, what: string, ack: Ack, channel?: string): StreamRequestError {
  const label = `${socket.spec.broker} ${socket.spec.name}`;
  return new StreamRequestError(
    `${label}: ${what} was refused (${ack.code ?? "?"}): ${ack.message ?? "no reason given"}`,
    {
      stream: label,
      ...(channel ? { channel } : {}),
      ...(ack.code === undefined ? {} : { code: ack.code }),
      body: ack.body,
    },
  );
}

/** ALOR's data socket (`alor-ws`). */
export const alorData: ProtocolAdapter = {
  name: "alor-ws",
  decode,
  async subscribe(socket: AdapterSocket, request: SubscribeRequest): Promise<ActiveSubscription> {
    const guid = socket.newId();
    request.route?.([guid]);
    const ack = await sendWithToken(socket, guid, (token) => ({
      ...request.params,
      ...request.spec.fixed,
      guid,
      token,
    }));
    if (!ack.ok) throw refused(socket, `subscribing to ${request.channel}`, ack, request.channel);
    return { keys: [guid], handle: guid };
  },
  async unsubscribe(socket: AdapterSocket, subscription: ActiveSubscription, request: SubscribeRequest): Promise<void> {
    const guid = subscription.handle as string;
    const ack = await sendWithToken(socket, guid, (token) => ({ opcode: "unsubscribe", guid, token }));
    if (!ack.ok) throw refused(socket, `unsubscribing from ${request.channel}`, ack, request.channel);
  },
};

async function authorize(socket: AdapterSocket, token?: string): Promise<void> {
  const guid = socket.newId();
  const ack = token
    ? await (async () => {
        const answer = socket.awaitAck(guid);
        socket.send({ opcode: "authorize", guid, token });
        return answer;
      })()
    : await sendWithToken(socket, guid, (current) => ({ opcode: "authorize", guid, token: current }));
  if (!ack.ok) throw refused(socket, "authorising the command connection", ack);
}

/** ALOR's command socket (`alor-cws`). Commands with the same guid run once at the broker. */
export const alorCommands: ProtocolAdapter & { readonly commandsDeduplicated: true } = {
  name: "alor-cws",
  commandsDeduplicated: true,
  decode,
  handshake: (socket) => authorize(socket),
  reauthorize: (socket, token) => authorize(socket, token),
  subscribe() {
    return Promise.reject(new TypeError("alor-cws has no subscriptions; use command()"));
  },
  unsubscribe() {
    return Promise.resolve();
  },
  async command(socket, _channel, spec, params, id) {
    const send = () => {
      const answer = socket.awaitAck(id);
      socket.send({ ...params, ...spec.fixed, guid: id });
      return answer;
    };
    const ack = await send();
    if (ack.code !== UNAUTHORIZED) return ack;
    // The connection's JWT expired at the broker: a 401 command was not executed, so after one shared
    // refresh and a new authorize the same guid goes again.
    const current = await socket.token();
    const renewed = (await socket.renewToken(current)) ?? current;
    await authorize(socket, renewed);
    return send();
  },
};
