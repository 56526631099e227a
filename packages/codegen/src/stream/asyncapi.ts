/**
 * Loads an AsyncAPI 3 document for a stream and reads its channels the way the runtime uses them:
 * each channel has one `send` operation (the subscribe request, or the command) and either one
 * `receive` operation (a subscription's messages) or a `reply` on the send (a command's answer).
 * Every problem names the file, line:column and field path; references are checked like a spec's.
 */
import { CodegenError, CodegenErrors } from "../errors.js";
import type { SourceDocument } from "../source.js";
import { type LoadedDocuments, loadDocuments } from "../spec/load.js";
import { child as childOf, errorAt, follow, isMapping, type Located } from "./located.js";

export type ChannelKind = "subscription" | "command";

export interface AsyncApiChannel {
  name: string;
  /** The channel as written under `channels`. */
  at: Located;
  kind: ChannelKind;
  /** Payload schema of the message the client sends (as written: maybe a `$ref`). */
  send: Located;
  /** Subscriptions: payload schema of the messages that arrive. */
  receive?: Located;
  /** Commands: payload schema of the reply. */
  reply?: Located;
  /** The channel's `summary` (or `title`), for the generated doc comment. */
  summary?: string;
  /** The channel's `address`, when it has one (protocols that need it, e.g. Saxo's REST resource). */
  address?: string;
}

export interface LoadedAsyncApi extends LoadedDocuments {
  asyncapiVersion: string;
  title: string;
  channels: AsyncApiChannel[];
}

const CHANNEL_NAME = /^[a-z][A-Za-z0-9]*$/;

export async function loadAsyncApi(file: string, displayBase: string): Promise<LoadedAsyncApi> {
  let asyncapiVersion = "";
  const docs = await loadDocuments(file, displayBase, (root) => {
    asyncapiVersion = checkVersion(root);
  });
  const errors: CodegenError[] = [];
  const channels = readChannels(docs, errors);
  if (errors.length) throw new CodegenErrors(errors);
  const info = (docs.root.value as { info?: { title?: unknown } }).info;
  const title = typeof info?.title === "string" ? info.title : "";
  return Object.assign(docs, { asyncapiVersion, title, channels });
}

function checkVersion(root: SourceDocument): string {
  const value = root.value;
  if (!isMapping(value)) {
    throw new CodegenError(
      { file: root.displayPath, line: 1 },
      "not an AsyncAPI document: expected a mapping at the top level",
    );
  }
  const at = (field: string) => ({ file: root.displayPath, field, ...root.locate([field], "key") });
  if ("openapi" in value || "swagger" in value) {
    const field = "openapi" in value ? "openapi" : "swagger";
    throw new CodegenError(
      at(field),
      "this is an OpenAPI document; a stream is described by an AsyncAPI 3 document (channels, operations, messages)",
    );
  }
  const version = value.asyncapi;
  if (version === undefined) {
    throw new CodegenError({ file: root.displayPath, line: 1 }, 'missing required field "asyncapi" (expected "3.x.y")');
  }
  if (typeof version !== "string" || !/^3\.\d+\.\d+$/.test(version)) {
    throw new CodegenError(
      at("asyncapi"),
      `unsupported AsyncAPI version ${JSON.stringify(version)}: expected "3.x.y" (convert an AsyncAPI 2 document first, for example with \`asyncapi convert\`)`,
    );
  }
  return version;
}

interface Operation {
  name: string;
  at: Located;
  action: "send" | "receive";
  channel: string;
  /** The operation's messages, resolved; undefined when it lists none (then: all of its channel's). */
  messages?: Located[];
  /** Send operations with a reply: the reply's messages, resolved. */
  reply?: Located[];
}

function readChannels(docs: LoadedDocuments, errors: CodegenError[]): AsyncApiChannel[] {
  const rootValue = docs.root.value as Record<string, unknown>;
  const rootAt = (segments: (string | number)[]): Located => ({ value: undefined, file: docs.file, segments });
  const fail = (node: Located, detail: string, target?: "key") => errors.push(errorAt(docs, node, detail, target));
  const channelsNode = rootValue.channels;
  if (!isMapping(channelsNode) || Object.keys(channelsNode).length === 0) {
    fail(
      rootAt(isMapping(channelsNode) ? ["channels"] : []),
      'expected a "channels" mapping with at least one channel',
    );
    return [];
  }
  const operationsNode = rootValue.operations ?? {};
  if (!isMapping(operationsNode)) {
    fail(rootAt(["operations"]), "expected a mapping of operations");
    return [];
  }
  const operations = Object.keys(operationsNode)
    .map((name) => readOperation(docs, name, channelsNode, fail))
    .filter((op): op is Operation => op !== undefined);

  const channels: AsyncApiChannel[] = [];
  for (const [name, raw] of Object.entries(channelsNode)) {
    const at = follow(docs, { value: raw, file: docs.file, segments: ["channels", name] });
    if (!CHANNEL_NAME.test(name)) {
      fail(at, `channel name "${name}" must be a camelCase identifier (it becomes a property name)`, "key");
      continue;
    }
    if (!isMapping(at.value)) {
      fail(at, "expected a channel object");
      continue;
    }
    const own = operations.filter((op) => op.channel === name);
    if (own.length === 0) {
      fail(
        at,
        `channel "${name}" has no operations: give it a send operation, plus a receive operation (a subscription) or a reply (a command)`,
        "key",
      );
      continue;
    }
    const sends = own.filter((op) => op.action === "send");
    const receives = own.filter((op) => op.action === "receive");
    if (sends.length !== 1) {
      fail(
        at,
        `channel "${name}" has ${sends.length} send operations${sends.length ? ` (${sends.map((op) => op.name).join(", ")})` : ""}: it needs exactly one (the subscribe request or the command)`,
        "key",
      );
      continue;
    }
    const send = sends[0] as Operation;
    const messageOf = (op: Operation): Located | undefined => {
      const listed = op.messages ?? channelMessages(docs, at);
      if (listed.length !== 1) {
        fail(
          op.at,
          `operation "${op.name}" ${op.messages ? "lists" : "lists no messages and its channel has"} ${listed.length} messages: name exactly one`,
          "key",
        );
        return undefined;
      }
      return payloadOf(docs, listed[0] as Located, fail);
    };
    const summary = [at.value.summary, at.value.title].find((text): text is string => typeof text === "string");
    const address = typeof at.value.address === "string" ? at.value.address : undefined;
    const base = { name, at, ...(summary ? { summary } : {}), ...(address ? { address } : {}) };
    if (send.reply) {
      if (receives.length) {
        fail(
          receives[0]?.at as Located,
          `channel "${name}" is a command (its send operation "${send.name}" has a reply), so it cannot also have receive operations`,
          "key",
        );
        continue;
      }
      if (send.reply.length !== 1) {
        fail(
          { ...send.at, segments: [...send.at.segments, "reply", "messages"] },
          `the reply of "${send.name}" lists ${send.reply.length} messages: name exactly one`,
        );
        continue;
      }
      const request = messageOf(send);
      const reply = payloadOf(docs, send.reply[0] as Located, fail);
      if (request && reply) channels.push({ ...base, kind: "command", send: request, reply });
      continue;
    }
    if (receives.length !== 1) {
      fail(
        at,
        `channel "${name}" has ${receives.length} receive operations${receives.length ? ` (${receives.map((op) => op.name).join(", ")})` : ""}: a subscription needs exactly one for its messages (or give "${send.name}" a reply to make the channel a command)`,
        "key",
      );
      continue;
    }
    const request = messageOf(send);
    const receive = messageOf(receives[0] as Operation);
    if (request && receive) channels.push({ ...base, kind: "subscription", send: request, receive });
  }
  return channels;
}

function readOperation(
  docs: LoadedDocuments,
  name: string,
  channels: Record<string, unknown>,
  fail: (node: Located, detail: string, target?: "key") => void,
): Operation | undefined {
  const at = follow(docs, childOf({ value: docs.root.value, file: docs.file, segments: [] }, "operations", name));
  const child = (...segments: (string | number)[]) => childOf(at, ...segments);
  if (!isMapping(at.value)) {
    fail(at, "expected an operation object");
    return undefined;
  }
  const action = at.value.action;
  if (action !== "send" && action !== "receive") {
    fail(child("action"), `expected "send" or "receive", got ${JSON.stringify(action)}`);
    return undefined;
  }
  const channelRef = (at.value.channel as { $ref?: unknown } | undefined)?.$ref;
  const channel = typeof channelRef === "string" ? /^#\/channels\/([^/]+)$/.exec(channelRef)?.[1] : undefined;
  if (channel === undefined || !(channel in channels)) {
    fail(child("channel"), 'expected a $ref to a channel of this document ("#/channels/<name>")');
    return undefined;
  }
  const refList = (node: Located, within: string | undefined): Located[] | undefined => {
    if (!Array.isArray(node.value)) {
      fail(node, "expected a list of $refs to messages");
      return undefined;
    }
    const out: Located[] = [];
    node.value.forEach((item, index) => {
      const entry: Located = { value: item, file: node.file, segments: [...node.segments, index] };
      const ref = (item as { $ref?: unknown } | undefined)?.$ref;
      if (typeof ref !== "string" || (within !== undefined && !ref.startsWith(within))) {
        fail(entry, `expected a $ref to a message${within ? ` of the operation's channel ("${within}<name>")` : ""}`);
        return;
      }
      out.push(follow(docs, entry));
    });
    return out;
  };
  const operation: Operation = { name, at, action, channel };
  if (at.value.messages !== undefined) {
    const messages = refList(child("messages"), `#/channels/${channel}/messages/`);
    if (!messages) return undefined;
    operation.messages = messages;
  }
  if (at.value.reply !== undefined) {
    if (action !== "send") {
      fail(child("reply"), "only a send operation can have a reply here: the document describes the client's side");
      return undefined;
    }
    const messages = refList(child("reply", "messages"), undefined);
    if (!messages) return undefined;
    operation.reply = messages;
  }
  return operation;
}

/** Every message of a channel, for an operation that lists none. */
function channelMessages(docs: LoadedDocuments, channel: Located): Located[] {
  const messages = (channel.value as { messages?: unknown }).messages;
  if (!isMapping(messages)) return [];
  return Object.keys(messages).map((key) => follow(docs, childOf(channel, "messages", key)));
}

/**
 * The payload schema of a resolved message. Messages live in the document itself (their payload
 * schemas may `$ref` other files), so the generated types resolve the same references.
 */
function payloadOf(
  docs: LoadedDocuments,
  message: Located,
  fail: (node: Located, detail: string) => void,
): Located | undefined {
  if (message.file !== docs.file) {
    fail(
      message,
      `messages must be defined in ${docs.root.displayPath} itself (their payload schemas may $ref other files)`,
    );
    return undefined;
  }
  if (!isMapping(message.value) || message.value.payload === undefined) {
    fail(message, 'a message needs a "payload" schema');
    return undefined;
  }
  const payload = childOf(message, "payload");
  if (isMapping(payload.value) && "schemaFormat" in payload.value) {
    fail(
      payload,
      "multi-format payloads are not read: write the payload as a JSON Schema (AsyncAPI's default format); it may $ref OpenAPI schemas",
    );
    return undefined;
  }
  return payload;
}
