/**
 * Loads an OpenAPI 3.0/3.1 document and every local file it references, and checks that each
 * `$ref` resolves, so that a broken reference is reported with the ref, where it was used, and
 * what is missing, instead of surfacing later as an opaque type error.
 */
import { createHash } from "node:crypto";
import { dirname, relative, resolve } from "node:path";
import { CodegenError, CodegenErrors, fieldPath } from "../errors.js";
import { refFragmentSegments } from "../json-pointer.js";
import { readSource, type SourceDocument } from "../source.js";

/** A root document and every local file its `$ref`s reach, each reference checked. */
export interface LoadedDocuments {
  /** Absolute path of the root document. */
  file: string;
  root: SourceDocument;
  /** Every document read, keyed by absolute path (the root included). */
  documents: Map<string, SourceDocument>;
  /** sha256 over the root file and every referenced file, in a stable order. */
  sha256: string;
  /** Resolves a `$ref` written in `fromFile`. */
  resolveRef(ref: string, fromFile: string): unknown;
  /** Absolute path of the file a `$ref` written in `fromFile` points into. */
  fileOf(ref: string, fromFile: string): string;
}

export interface LoadedSpec extends LoadedDocuments {
  openapiVersion: string;
}

export async function loadSpec(file: string, displayBase: string = process.cwd()): Promise<LoadedSpec> {
  let openapiVersion = "";
  const documents = await loadDocuments(file, displayBase, (root) => {
    openapiVersion = checkVersion(root);
  });
  return Object.assign(documents, { openapiVersion });
}

/**
 * Reads `file`, lets `checkRoot` reject it before anything else is read (wrong kind or version of
 * document), then loads every file its `$ref`s reach and reports every reference that does not resolve.
 * Shared by OpenAPI specs and AsyncAPI documents.
 */
export async function loadDocuments(
  file: string,
  displayBase: string,
  checkRoot: (root: SourceDocument) => void,
): Promise<LoadedDocuments> {
  const absolute = resolve(file);
  const display = (path: string) => relative(displayBase, path) || path;
  const documents = new Map<string, SourceDocument>();
  const root = await readSource(absolute, display(absolute));
  documents.set(absolute, root);
  checkRoot(root);

  const errors: CodegenError[] = [];
  const pending: SourceDocument[] = [root];
  const unloadable = new Set<string>();
  while (pending.length) {
    const doc = pending.shift() as SourceDocument;
    for (const use of collectRefs(doc.value)) {
      const [target, pointer = ""] = use.ref.split("#", 2) as [string, string?];
      // A URL (https:, http:, file: …) is not a path: resolving it as one would name a mangled local file.
      if (REMOTE_REF.test(target)) {
        errors.push(refError(doc, use, "remote references are not supported offline; vendor the file"));
        continue;
      }
      const targetFile = target ? resolve(dirname(doc.file), decodeURI(target)) : doc.file;
      let targetDoc = documents.get(targetFile);
      // A file that cannot be loaded is reported once, at its first reference, not at every one.
      if (unloadable.has(targetFile)) continue;
      if (!targetDoc) {
        try {
          targetDoc = await readSource(targetFile, display(targetFile));
        } catch (error) {
          const reason = error instanceof CodegenError ? error.message : String(error);
          errors.push(refError(doc, use, `cannot load the referenced file: ${reason}`));
          unloadable.add(targetFile);
          continue;
        }
        documents.set(targetFile, targetDoc);
        pending.push(targetDoc);
      }
      const missing = findMissing(targetDoc.value, pointer);
      if (missing !== undefined)
        errors.push(refError(doc, use, `${targetDoc.displayPath} has no "${missing}" at #${pointer}`));
    }
  }
  errors.push(...selfReferences(documents));
  if (errors.length) throw new CodegenErrors(errors);

  const hash = createHash("sha256");
  for (const key of [...documents.keys()].sort())
    hash
      .update(key === absolute ? "" : relative(dirname(absolute), key))
      .update((documents.get(key) as SourceDocument).text);

  const spec: LoadedDocuments = {
    file: absolute,
    root,
    documents,
    sha256: documents.size === 1 ? createHash("sha256").update(root.text).digest("hex") : hash.digest("hex"),
    resolveRef(ref, fromFile) {
      const pointer = ref.split("#", 2)[1] ?? "";
      const doc = documents.get(spec.fileOf(ref, fromFile));
      return doc ? walkPointer(doc.value, pointer) : undefined;
    },
    fileOf(ref, fromFile) {
      const target = ref.split("#", 1)[0];
      return target ? resolve(dirname(fromFile), decodeURI(target)) : fromFile;
    },
  };
  return spec;
}

function checkVersion(root: SourceDocument): string {
  const value = root.value as Record<string, unknown> | null;
  const at = (field: string) => ({ file: root.displayPath, field, ...root.locate([field], "key") });
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new CodegenError(
      { file: root.displayPath, line: 1 },
      "not an OpenAPI document: expected a mapping at the top level",
    );
  }
  if ("swagger" in value) {
    throw new CodegenError(
      at("swagger"),
      `this is a Swagger ${String(value.swagger)} document; brokerkit reads OpenAPI 3.0 or 3.1. Convert it first (for example with swagger2openapi) and point the manifest at the converted file`,
    );
  }
  const version = value.openapi;
  if (typeof version !== "string" || !/^3\.[01]\.\d+$/.test(version)) {
    throw new CodegenError(
      at("openapi"),
      `unsupported OpenAPI version ${JSON.stringify(version)}: expected "3.0.x" or "3.1.x"`,
    );
  }
  if (!value.paths || typeof value.paths !== "object") {
    throw new CodegenError(at("paths"), 'missing required field "paths"');
  }
  return version;
}

/** A scheme (`https:`, `file:` …) of two letters or more, so that a Windows drive letter (`C:`) stays a path. */
const REMOTE_REF = /^[a-z][a-z0-9+.-]+:/i;

/**
 * `$ref`s that lead back to themselves through nothing but `$ref`s (`A: {$ref: "#/A"}`, or A → B → A):
 * such a schema has no type at all, and openapi-typescript fails on it without saying where.
 * Each cycle is reported once, at the reference found first.
 */
function selfReferences(documents: Map<string, SourceDocument>): CodegenError[] {
  const errors: CodegenError[] = [];
  const reported = new Set<string>();
  for (const doc of documents.values()) {
    for (const use of collectRefs(doc.value)) {
      const chain: string[] = [];
      let ref = use.ref;
      let file = doc.file;
      for (let depth = 0; depth < 64; depth++) {
        if (REMOTE_REF.test(ref)) break;
        const [target, pointer = ""] = ref.split("#", 2) as [string, string?];
        file = target ? resolve(dirname(file), decodeURI(target)) : file;
        const key = `${file}#${pointer}`;
        if (chain.includes(key)) {
          const cycle = chain.slice(chain.indexOf(key));
          const id = [...cycle].sort().join("|");
          // Only a reference that is itself part of the cycle is reported (not one merely leading into it).
          const ownKey = `${doc.file}#/${use.segments
            .slice(0, -1)
            .map((s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1"))
            .join("/")}`;
          const own = ownKey.replace(/#\/$/, "#");
          if (!reported.has(id) && cycle.includes(own)) {
            reported.add(id);
            // Told from the reference's own node: A → B → A.
            const start = cycle.indexOf(own);
            const loop = [...cycle.slice(start), ...cycle.slice(0, start), own];
            errors.push(
              refError(
                doc,
                use,
                cycle.length === 1
                  ? "the schema refers to itself and to nothing else, so it has no type"
                  : `the schema is only a $ref in a cycle of $refs with no type in it (${loop.map((k) => shortKey(k, documents)).join(" → ")})`,
              ),
            );
          }
          break;
        }
        chain.push(key);
        const targetDoc = documents.get(file);
        const node = targetDoc ? walkPointer(targetDoc.value, pointer) : undefined;
        const next = node && typeof node === "object" ? (node as { $ref?: unknown }).$ref : undefined;
        if (typeof next !== "string") break;
        ref = next;
      }
    }
  }
  return errors;
}

function shortKey(key: string, documents: Map<string, SourceDocument>): string {
  const [file, pointer = ""] = key.split("#", 2) as [string, string?];
  return `${documents.get(file)?.displayPath ?? file}#${pointer}`;
}

interface RefUse {
  ref: string;
  segments: (string | number)[];
}

function collectRefs(value: unknown): RefUse[] {
  const uses: RefUse[] = [];
  const visit = (node: unknown, segments: (string | number)[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, [...segments, index]);
      });
      return;
    }
    if (!node || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node)) {
      // `$ref` under `properties` is a property named "$ref", not a reference.
      if (key === "$ref" && typeof child === "string" && segments[segments.length - 1] !== "properties") {
        uses.push({ ref: child, segments: [...segments, key] });
      } else visit(child, [...segments, key]);
    }
  };
  visit(value, []);
  return uses;
}

function refError(doc: SourceDocument, use: RefUse, detail: string): CodegenError {
  return new CodegenError(
    { file: doc.displayPath, field: fieldPath(use.segments), ...doc.locate(use.segments) },
    `unresolvable $ref "${use.ref}": ${detail}`,
  );
}

/** Returns the first pointer segment that does not exist, or undefined when the pointer resolves. */
function findMissing(value: unknown, pointer: string): string | undefined {
  let node = value;
  for (const segment of refFragmentSegments(pointer)) {
    if (node && typeof node === "object" && segment in (node as object))
      node = (node as Record<string, unknown>)[segment];
    else return segment;
  }
  return undefined;
}

function walkPointer(value: unknown, pointer: string): unknown {
  let node = value;
  for (const segment of refFragmentSegments(pointer)) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
