/**
 * Checks of one stream's channels that need both the manifest and the AsyncAPI document: the manifest
 * rules that depend on a channel's kind and messages, and the names and references the generated
 * types rely on.
 */
import { CodegenError } from "../errors.js";
import type { ManifestStream } from "../manifest/stream-types.js";
import type { AsyncApiChannel, LoadedAsyncApi } from "./asyncapi.js";
import { child, errorAt, isMapping, type Located } from "./located.js";
import type { StreamProtocol } from "./protocols.js";
import { misplacedLocalRefs, pathCanExist } from "./schema-walk.js";

/** Manifest rules that depend on the channel's kind and messages. */
export function checkChannel(
  doc: LoadedAsyncApi,
  channel: AsyncApiChannel,
  stream: ManifestStream,
  protocol: StreamProtocol,
  inManifest: (...segments: (string | number)[]) => { file: string; field: string; line?: number; column?: number },
): CodegenError[] {
  const errors: CodegenError[] = [];
  const rule = stream.channels[channel.name] ?? {};
  const at = (...segments: (string | number)[]) => inManifest("channels", channel.name, ...segments);
  if (!protocol.kinds.includes(channel.kind)) {
    errors.push(
      errorAt(
        doc,
        channel.at,
        `channel "${channel.name}" is a ${channel.kind}, which protocol ${stream.protocol} does not carry (it carries: ${protocol.kinds.join(", ")})`,
        "key",
      ),
    );
  }
  if (channel.kind === "command") {
    for (const key of ["buffer", "snapshot", "dedupeBy"] as const) {
      if (rule[key] !== undefined)
        errors.push(new CodegenError(at(key), `"${key}" applies to subscriptions; "${channel.name}" is a command`));
    }
    return errors;
  }
  if (!rule.buffer) {
    errors.push(
      new CodegenError(
        at(),
        `subscription "${channel.name}" needs a buffer rule (policy drop-oldest, conflate or error, and a size)`,
      ),
    );
  }
  const paths: [string, string[] | undefined][] = [
    ["dedupeBy", rule.dedupeBy],
    ["conflateKey", rule.buffer?.conflateKey],
  ];
  for (const [key, list] of paths) {
    list?.forEach((path, index) => {
      if (!pathCanExist(doc, channel.receive as Located, path.split("."))) {
        const segments = key === "conflateKey" ? ["buffer", key, index] : [key, index];
        errors.push(
          new CodegenError(
            at(...segments),
            `"${path}" is not a field of the messages of channel "${channel.name}" in ${doc.root.displayPath}`,
          ),
        );
      }
    });
  }
  return errors;
}

export function typeName(channel: AsyncApiChannel, role: "send" | "receive" | "reply"): string {
  const suffix = role === "send" ? "Request" : role === "receive" ? "Message" : "Reply";
  return `${channel.name.charAt(0).toUpperCase()}${channel.name.slice(1)}${suffix}`;
}

/**
 * The generated types put each channel's payloads beside the document's own schemas (and the schemas
 * they reference in other files): names must not collide, and local refs must point at schemas.
 */
export function typeNameProblems(doc: LoadedAsyncApi, channels: readonly AsyncApiChannel[]): CodegenError[] {
  const errors: CodegenError[] = [];
  const taken = new Map<string, string>();
  for (const [file, source] of doc.documents) {
    const schemas = (source.value as { components?: { schemas?: unknown } } | null)?.components?.schemas;
    if (isMapping(schemas))
      for (const schemaName of Object.keys(schemas))
        taken.set(schemaName, doc.documents.get(file)?.displayPath ?? file);
  }
  for (const channel of channels) {
    for (const role of ["send", channel.kind === "command" ? "reply" : "receive"] as const) {
      const generated = typeName(channel, role);
      const where = taken.get(generated);
      if (where)
        errors.push(
          errorAt(
            doc,
            channel.at,
            `channel "${channel.name}": the generated type name "${generated}" is also a schema of ${where}; rename that schema`,
            "key",
          ),
        );
    }
  }
  const root: Located = { value: doc.root.value, file: doc.file, segments: [] };
  const nodes = [child(root, "components", "schemas"), ...channels.flatMap((c) => [c.send, c.receive ?? c.reply])];
  for (const node of nodes) {
    if (!node) continue;
    for (const ref of misplacedLocalRefs(node)) {
      errors.push(
        errorAt(
          doc,
          ref,
          `payload schemas may reference "#/components/schemas/…" or other files only (the generated types keep just the schemas); found ${JSON.stringify(ref.value)}`,
        ),
      );
    }
  }
  return errors;
}
