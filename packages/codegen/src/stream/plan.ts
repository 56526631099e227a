/**
 * Turns each `streams.<name>` of a manifest and its AsyncAPI document into
 * `src/generated/<name>/{types,config,client,index}.ts`, after checking that the manifest and the
 * document name the same channels and that each channel fits its protocol.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { header, type SourceStamp } from "../emit/header.js";
import { emitStreamClient, emitStreamConfig, emitStreamIndex, type StreamChannelTypes } from "../emit/stream.js";
import { emitStreamTypes } from "../emit/stream-types.js";
import { CodegenError, CodegenErrors, fieldPath } from "../errors.js";
import { brokerName } from "../manifest/normalize.js";
import type { ManifestStream } from "../manifest/stream-types.js";
import type { Manifest } from "../manifest/types.js";
import type { SourceDocument } from "../source.js";
import { loadAsyncApi } from "./asyncapi.js";
import { checkChannel, typeName, typeNameProblems } from "./channel-checks.js";
import { errorAt, type Located } from "./located.js";
import { STREAM_PROTOCOLS, type StreamProtocol } from "./protocols.js";
import { constFields } from "./schema-walk.js";
import { streamSpec } from "./spec.js";

export interface StreamPlanInput {
  manifest: Manifest;
  manifestSource: SourceDocument;
  manifestStamp: SourceStamp;
  /** The broker's spec folder (documents are relative to it). */
  specDir: string;
  root: string;
  display: (path: string) => string;
  /** Receives every file the AsyncAPI documents reach (turbo's inputs for the package). */
  referencedFiles?: Set<string>;
}

/** Generated files of every stream of the manifest, keyed by path inside the package. */
export async function planStreams(input: StreamPlanInput): Promise<Map<string, string>> {
  const planned = await Promise.allSettled(
    Object.entries(input.manifest.streams ?? {}).map(([name, stream]) => planStream(input, name, stream)),
  );
  // Every stream's problems are reported together, so the author can fix them in one pass.
  const problems: CodegenError[] = [];
  const files = new Map<string, string>();
  for (const result of planned) {
    if (result.status === "fulfilled") for (const [path, text] of result.value) files.set(path, text);
    else if (result.reason instanceof CodegenErrors) problems.push(...result.reason.errors);
    else if (result.reason instanceof CodegenError) problems.push(result.reason);
    else throw result.reason;
  }
  if (problems.length) throw new CodegenErrors(problems);
  return files;
}

async function planStream(input: StreamPlanInput, name: string, stream: ManifestStream): Promise<Map<string, string>> {
  const { manifest, manifestSource, manifestStamp, display } = input;
  const inManifest = (...segments: (string | number)[]) => {
    const path = ["streams", name, ...segments];
    return { file: manifestSource.displayPath, field: fieldPath(path), ...manifestSource.locate(path) };
  };
  const documentFile = join(input.specDir, stream.document);
  if (!existsSync(documentFile)) {
    throw new CodegenError(inManifest("document"), `AsyncAPI document ${display(documentFile)} does not exist`);
  }
  const doc = await loadAsyncApi(documentFile, input.root);
  for (const file of doc.documents.keys()) input.referencedFiles?.add(file);
  const protocol = STREAM_PROTOCOLS[stream.protocol] as StreamProtocol;
  const errors: CodegenError[] = [];
  const docPath = doc.root.displayPath;

  // The manifest and the document must name the same channels.
  const documented = new Map(doc.channels.map((channel) => [channel.name, channel]));
  for (const channel of Object.keys(stream.channels)) {
    if (!documented.has(channel))
      errors.push(
        new CodegenError(
          inManifest("channels", channel),
          `channel "${channel}" is not in ${docPath} (its channels: ${[...documented.keys()].join(", ") || "none"})`,
        ),
      );
  }
  for (const channel of doc.channels) {
    if (!(channel.name in stream.channels))
      errors.push(
        errorAt(
          doc,
          channel.at,
          `channel "${channel.name}" has no entry in ${manifestSource.displayPath} streams.${name}.channels`,
          "key",
        ),
      );
  }
  const channels = doc.channels.filter((channel) => channel.name in stream.channels);
  const fixedByChannel = new Map<string, Record<string, unknown>>();
  for (const channel of channels) {
    errors.push(...checkChannel(doc, channel, stream, protocol, inManifest));
    if (protocol.needsAddress && !channel.address)
      errors.push(
        errorAt(
          doc,
          channel.at,
          `channel "${channel.name}" has no address: protocol ${stream.protocol} makes its subscriptions on the resource the address names`,
          "key",
        ),
      );
    fixedByChannel.set(channel.name, constFields(doc, channel.send));
    for (const field of protocol.constFields) {
      if (!(field in (fixedByChannel.get(channel.name) ?? {})))
        errors.push(
          errorAt(
            doc,
            channel.send,
            `the send payload of channel "${channel.name}" has no const "${field}": protocol ${stream.protocol} tells requests apart by it, so the document must fix its value`,
          ),
        );
    }
  }
  (stream.limits ?? []).forEach((rule, index) => {
    rule.channels?.forEach((channel, at) => {
      if (!documented.has(channel))
        errors.push(new CodegenError(inManifest("limits", index, "channels", at), `unknown channel "${channel}"`));
    });
  });
  errors.push(...typeNameProblems(doc, channels));
  if (errors.length) throw new CodegenErrors(errors);

  const spec = streamSpec(
    brokerName(manifest),
    name,
    stream,
    channels.map((channel) => ({
      name: channel.name,
      kind: channel.kind,
      fixed: fixedByChannel.get(channel.name) ?? {},
      ...(protocol.needsAddress && channel.address ? { address: channel.address } : {}),
    })),
  );
  const types: StreamChannelTypes[] = channels.map((channel) => ({
    name: channel.name,
    kind: channel.kind,
    ...(channel.summary ? { summary: channel.summary } : {}),
    request: typeName(channel, "send"),
    response: typeName(channel, channel.kind === "command" ? "reply" : "receive"),
    omit: [...new Set([...protocol.filledFields, ...Object.keys(fixedByChannel.get(channel.name) ?? {})])].sort(),
  }));
  const docStamp: SourceStamp = { path: display(documentFile), sha256: doc.sha256 };
  const both = [docStamp, manifestStamp];
  const dir = `src/generated/${name}`;
  const payloads = channels.flatMap((channel) => [
    { name: typeName(channel, "send"), payload: channel.send },
    channel.kind === "command"
      ? { name: typeName(channel, "reply"), payload: channel.reply as Located }
      : { name: typeName(channel, "receive"), payload: channel.receive as Located },
  ]);
  const environments = Object.fromEntries(
    Object.entries(manifest.environments).map(([env, { servers }]) => [env, servers[stream.server] ?? "?"]),
  );
  const specName = `${lowerFirst(stem(stream.factory))}StreamSpec`;
  return new Map([
    [`${dir}/types.ts`, header([docStamp]) + (await emitStreamTypes(doc, payloads))],
    [`${dir}/config.ts`, header(both) + emitStreamConfig(spec, specName)],
    [
      `${dir}/client.ts`,
      header(both) +
        emitStreamClient({
          stem: stem(stream.factory),
          factory: stream.factory,
          specName,
          protocol,
          channels: types,
          documentPath: docPath,
          title: doc.title,
          server: stream.server,
          environments,
        }),
    ],
    [`${dir}/index.ts`, header(both) + emitStreamIndex(stem(stream.factory), stream.factory, specName)],
  ]);
}

/** `createAlorDataStream` → `AlorData`. */
function stem(factory: string): string {
  return factory.replace(/^create/, "").replace(/Stream$/, "");
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
