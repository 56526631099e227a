/**
 * Every problem the generator finds is a CodegenError: it names the file, where in it
 * (line:column when known), the field path, and what was expected.
 */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  /** Field path inside the document, e.g. `apis.warp.server`. */
  field?: string;
}

export class CodegenError extends Error {
  readonly location: SourceLocation;
  readonly detail: string;

  constructor(location: SourceLocation, detail: string) {
    super(formatLocation(location) + detail);
    this.name = "CodegenError";
    this.location = location;
    this.detail = detail;
  }
}

/** Several problems found in one file, reported together so the author can fix them in one pass. */
export class CodegenErrors extends Error {
  readonly errors: CodegenError[];
  constructor(errors: CodegenError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "CodegenErrors";
    this.errors = errors;
  }
}

export function formatLocation({ file, line, column, field }: SourceLocation): string {
  const position = line === undefined ? "" : `:${line}${column === undefined ? "" : `:${column}`}`;
  return `${file}${position}: ${field ? `${field}: ` : ""}`;
}

/** JSON-pointer segments to a dotted field path that reads well in a message: a.b[0]["x/y"]. */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** What the CLI prints for a problem in its input; undefined for anything else (a bug: let it throw). */
export function problemText(error: unknown): string | undefined {
  if (error instanceof CodegenErrors)
    return `${error.errors.length} problem(s):\n${error.errors.map((e) => `  ${e.message}`).join("\n")}`;
  if (error instanceof CodegenError) return error.message;
  return undefined;
}
