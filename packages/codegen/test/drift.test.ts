/**
 * `brokerkit drift`: every class of difference on a fixture pair written for it (ours in OpenAPI 3.0,
 * the "broker's" in 3.1, both multi-file), the allow-list and its validation, the JSON report and the
 * exit codes of `--fail-on`, and a run against the official ALOR spec when ../shared/specs is there.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { main } from "../src/cli.js";
import { compareShapes } from "../src/drift/compare-shape.js";
import { drift } from "../src/drift/drift.js";
import { MAX_DEPTH, shapeOf } from "../src/drift/shape.js";
import { DRIFT_CODES, type DriftReport } from "../src/drift/types.js";
import { CodegenError, CodegenErrors } from "../src/errors.js";
import { fixturesDir, packageRoot, tempWorkspace } from "./helpers.js";

const upstreamYaml = join(fixturesDir, "shop-upstream/trading.yaml");
const run = (options: Partial<Parameters<typeof drift>[0]> = {}) =>
  drift({ specsDir: fixturesDir, broker: "shop", api: "trading", against: upstreamYaml, ...options });

/** `code operation field` for each difference, sorted: the whole report in one comparable list. */
const lines = (report: DriftReport) =>
  report.differences.map((d) => [d.code, d.operation ?? "-", d.field ?? "-"].join(" ")).sort();

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  dispose = undefined;
  vi.restoreAllMocks();
});

describe("drift: differences", () => {
  it("finds each class of difference, and nothing else (3.0 and 3.1 spellings of the same facts are equal)", async () => {
    const report = await run();
    expect(lines(report)).toEqual(
      [
        "op.missing GET /v2/positions -",
        "op.extra GET /v2/orders/{orderId}/fills -",
        "param.enum GET /v2/orders status",
        "param.type GET /v2/orders limit",
        "param.field.type GET /v2/orders symbols[]",
        "param.required GET /v2/orders after",
        "param.in GET /v2/orders cursor",
        "param.nullable GET /v2/orders until",
        "param.missing GET /v2/orders nested",
        "param.extra GET /v2/orders debug",
        ...orderFields("GET /v2/orders", "200 []."),
        "body.required POST /v2/orders -",
        "body.field.missing POST /v2/orders note",
        ...orderFields("POST /v2/orders", "200 "),
        "response.extra POST /v2/orders 202",
        "param.renamed GET /v2/orders/{order_id} order_id",
        ...orderFields("GET /v2/orders/{order_id}", "200 "),
        "param.renamed DELETE /v2/orders/{order_id} order_id",
        "response.missing DELETE /v2/orders/{order_id} 200",
        "response.extra DELETE /v2/orders/{order_id} 204",
        "response.media GET /v2/account 200",
        "response.type GET /v2/account 200",
        "response.field.missing GET /v2/account 200 cash",
        "body.missing PUT /v2/notes -",
        "body.extra POST /v2/notes -",
        "body.media POST /v2/uploads -",
        "body.type POST /v2/uploads -",
        "body.field.missing POST /v2/uploads name",
        "response.field.type GET /v2/feed 200 @1.price",
        "response.variant.missing GET /v2/feed 200 @2",
        "response.field.missing GET /v2/tree 200 weight",
        "server.missing - https://sandbox.shop.example",
        "server.extra - https://old.shop.example",
        "security.missing - Basic",
        "security.extra - oauth",
      ].sort(),
    );
    expect(report.operations).toEqual({ upstream: 11, ours: 11, shared: 10, ignored: ["upstream: TRACE /ws"] });
    expect(report.summary).toEqual({ missing: 1, fields: 47, other: 5, allowed: 0, stale: 0 });
  });

  it("says what differs on each side", async () => {
    const report = await run();
    const find = (code: string, field: string) => report.differences.find((d) => d.code === code && d.field === field);
    expect(find("param.renamed", "order_id")).toMatchObject({ upstream: "order_id", ours: "orderId" });
    expect(find("param.type", "limit")).toMatchObject({ upstream: "integer", ours: "string" });
    expect(find("param.enum", "status")).toMatchObject({ upstream: 'only here: "all"', ours: "no other values" });
    expect(find("param.in", "cursor")).toMatchObject({ upstream: "query", ours: "header" });
    expect(find("response.field.nullable", "200 filled_at")).toMatchObject({
      upstream: "not nullable",
      ours: "nullable",
    });
    expect(find("response.variant.missing", "200 @2")).toMatchObject({ upstream: "object BarEvent" });
    expect(find("security.missing", "Basic")).toMatchObject({ upstream: "http basic" });
    expect(report.differences.find((d) => d.code === "body.media")).toMatchObject({
      upstream: "application/json",
      ours: "application/x-www-form-urlencoded",
    });
  });

  it("reads a JSON upstream exactly as the same spec in YAML", async () => {
    const ws = tempWorkspace();
    dispose = ws.dispose;
    const dir = join(ws.root, "upstream");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "trading.json"), JSON.stringify(parse(readFileSync(upstreamYaml, "utf8"))));
    copyFileSync(join(fixturesDir, "shop-upstream/schemas.yaml"), join(dir, "schemas.yaml"));
    const fromJson = await run({ against: join(dir, "trading.json") });
    const fromYaml = await run();
    expect(fromJson.differences).toEqual(fromYaml.differences);
    expect(fromJson.upstream).toMatch(/trading\.json$/);
  });

  it("needs --api when the manifest has several APIs, and names them", async () => {
    await expect(drift({ specsDir: fixturesDir, broker: "shop", against: upstreamYaml })).rejects.toThrow(
      /shop\/broker\.yaml: apis: the manifest has several APIs; choose one with --api \(trading, data\)/,
    );
    await expect(run({ api: "orders" })).rejects.toThrow(
      /unknown api "orders" \(the manifest defines: trading, data\)/,
    );
  });

  it("refuses a Swagger 2.0 upstream with 'convert it first', naming file:line:column", async () => {
    const ws = tempWorkspace();
    dispose = ws.dispose;
    const file = join(ws.root, "swagger.yaml");
    writeFileSync(file, 'swagger: "2.0"\ninfo: { title: Old, version: "1" }\npaths: {}\n');
    const error = await run({ against: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as Error).message).toMatch(
      /swagger\.yaml:1:1: swagger: this is a Swagger 2\.0 document; drift compares OpenAPI 3\.0 or 3\.1 specs\. Convert it first .* --against/,
    );
  });
});

/** The differences the fixture's Order schema produces wherever it is a response. */
function orderFields(operation: string, prefix: string): string[] {
  return [
    `response.field.type ${operation} ${prefix}legs[].ratio`,
    `response.field.nullable ${operation} ${prefix}filled_at`,
    `response.field.enum ${operation} ${prefix}side`,
    `response.field.type ${operation} ${prefix}notional`,
    `response.field.required ${operation} ${prefix}extended_hours`,
    `response.field.missing ${operation} ${prefix}client_order_id`,
    `response.field.extra ${operation} ${prefix}legacy_flag`,
  ];
}

describe("drift: schema shapes", () => {
  const spec = (schemas: Record<string, unknown>) => ({ root: "s.yaml", documents: { "s.yaml": schemas } });
  const diff = (a: unknown, b: unknown, schemas: Record<string, unknown> = {}) => {
    const out: string[] = [];
    const docs = spec(schemas);
    compareShapes(
      "response",
      shapeOf(docs, { value: a, doc: "s.yaml" }),
      shapeOf(docs, { value: b, doc: "s.yaml" }),
      (code, rel) => out.push(`${code} ${rel}`),
    );
    return out;
  };
  const X = { type: "object", properties: { id: { type: "string" } } };

  it("treats the 3.0 and 3.1 ways of saying nullable as equal", () => {
    expect(diff({ type: "string", nullable: true }, { type: ["string", "null"] })).toEqual([]);
    expect(diff({ type: "string", nullable: true }, { anyOf: [{ type: "string" }, { type: "null" }] })).toEqual([]);
    expect(
      diff({ type: "string", enum: ["a"], nullable: true }, { type: ["string", "null"], enum: ["a", null] }),
    ).toEqual([]);
    expect(
      diff({ allOf: [{ $ref: "#/X" }], nullable: true }, { oneOf: [{ $ref: "#/X" }, { type: "null" }] }, { X }),
    ).toEqual([]);
    expect(diff({ $ref: "#/X", nullable: true }, { anyOf: [{ $ref: "#/X" }, { type: "null" }] }, { X })).toEqual([]);
    expect(diff({ type: ["integer", "string"] }, { oneOf: [{ type: "integer" }, { type: "string" }] })).toEqual([]);
    expect(diff({ type: "string" }, { type: ["string", "null"] })).toEqual(["response.nullable "]);
  });

  it("merges allOf before comparing fields", () => {
    const merged = {
      allOf: [{ $ref: "#/X" }, { type: "object", required: ["id"], properties: { n: { type: "integer" } } }],
    };
    const flat = { type: "object", required: ["id"], properties: { id: { type: "string" }, n: { type: "integer" } } };
    expect(diff(merged, flat, { X })).toEqual([]);
  });

  it("stops at a schema that contains itself, and at the depth bound", () => {
    const Node = { type: "object", properties: { next: { $ref: "#/Node" }, v: { type: "string" } } };
    expect(
      shapeOf(spec({ Node }), { value: { $ref: "#/Node" }, doc: "s.yaml" }).properties.get("next")?.truncated,
    ).toBe(true);
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { type: "object", properties: { a: deep } };
    let shape = shapeOf(spec({}), { value: deep, doc: "s.yaml" });
    let levels = 0;
    while (shape.properties.get("a") && levels < 100) {
      shape = shape.properties.get("a") as typeof shape;
      levels++;
    }
    expect(levels).toBe(MAX_DEPTH);
    expect(shape.truncated).toBe(true);
  });
});

describe("drift: allow-list", () => {
  /** A copy of the shop fixture with `allow` as specs/shop/drift-allow.yaml. */
  function withAllowList(allow: string) {
    const ws = tempWorkspace(["shop"]);
    dispose = ws.dispose;
    writeFileSync(join(ws.specsDir, "shop", "drift-allow.yaml"), allow);
    return {
      ws,
      run: () =>
        drift({ specsDir: ws.specsDir, broker: "shop", api: "trading", against: upstreamYaml, displayBase: ws.root }),
    };
  }
  const ALLOW = `# yaml-language-server: $schema=../../packages/codegen/schema/drift-allow.schema.json
apis:
  trading:
    - code: op.missing
      operation: GET /v2/positions
      reason: Positions come from the account stream here.
    - code: op.extra
      operation: GET /v2/orders/{id}/fills
      reason: Documented by the broker's changelog, not yet in its spec.
    - code: response.field.type
      operation: GET /v2/orders/{order_id}
      field: 200 notional
      reason: The broker sends a number despite its spec.
    - code: server.extra
      reason: Old host kept for accounts not yet migrated.
    - code: param.extra
      operation: GET /v2/orders
      field: verbose
      reason: Left over from an earlier version.
  data: []
`;

  it("shows accepted differences with their reason, leaves them out of the counts, and reports stale entries", async () => {
    const { run: allowRun } = withAllowList(ALLOW);
    const report = await allowRun();
    const allowed = report.differences.filter((d) => d.allowed);
    expect(allowed.map((d) => [d.code, d.operation ?? "-", d.field ?? "-"].join(" ")).sort()).toEqual([
      "op.extra GET /v2/orders/{orderId}/fills -",
      "op.missing GET /v2/positions -",
      "response.field.type GET /v2/orders/{order_id} 200 notional",
      "server.extra - https://old.shop.example",
    ]);
    expect(allowed.find((d) => d.code === "op.missing")?.allowed).toEqual({
      reason: "Positions come from the account stream here.",
      at: "specs/shop/drift-allow.yaml:4:7",
    });
    expect(report.summary).toEqual({ missing: 0, fields: 46, other: 3, allowed: 4, stale: 1 });
    expect(report.allowList).toBe("specs/shop/drift-allow.yaml");
    expect(report.stale).toEqual([
      {
        code: "param.extra",
        operation: "GET /v2/orders",
        field: "verbose",
        reason: "Left over from an earlier version.",
        at: "specs/shop/drift-allow.yaml:16:7",
      },
    ]);
  });

  const invalid = async (allow: string): Promise<string> => {
    const { run: allowRun } = withAllowList(allow);
    const error = await allowRun().catch((e: unknown) => e);
    if (error instanceof CodegenErrors) return error.errors.map((e) => e.message).join("\n");
    throw new Error(`expected CodegenErrors, got ${String(error)}`);
  };

  it("rejects an unknown key, naming file:line:column and the keys it accepts", async () => {
    const message = await invalid(ALLOW.replace("      field: 200 notional", "      feild: 200 notional"));
    expect(message).toMatch(
      /^specs\/shop\/drift-allow\.yaml:12:7: apis\.trading\[2\]\.feild: unknown key "feild" \(expected one of: code, operation, field, reason\)$/m,
    );
  });

  it("rejects an entry without a reason, or with an empty one", async () => {
    const message = await invalid(
      ALLOW.replace("      reason: Positions come from the account stream here.\n", "").replace(
        "reason: Old host kept for accounts not yet migrated.",
        'reason: "  "',
      ),
    );
    expect(message).toMatch(
      /^specs\/shop\/drift-allow\.yaml:4:7: apis\.trading\[0\]: missing required field "reason"$/m,
    );
    expect(message).toMatch(
      /drift-allow\.yaml:\d+:15: apis\.trading\[3\]\.reason: " {2}" is not valid: expected a non-empty reason/,
    );
  });

  it("rejects an unknown code, an operation-level code without its operation, a malformed operation and an unknown API", async () => {
    const message = await invalid(
      ALLOW.replace("code: op.extra", "code: op.renamed")
        .replace("      operation: GET /v2/positions\n", "")
        .replace("operation: GET /v2/orders\n", "operation: get /v2/orders\n")
        .replace("  data: []", "  stream: []"),
    );
    expect(message).toMatch(/apis\.trading\[1\]\.code: expected one of "op\.missing", "op\.extra"/);
    expect(message).toMatch(/apis\.trading\[0\]: missing required field "operation"/);
    expect(message).toMatch(
      /apis\.trading\[4\]\.operation: "get \/v2\/orders" is not valid: expected An operation as METHOD \/path/,
    );
    expect(message).not.toMatch(/must match "then" schema/);
    const unknownApi = await invalid(ALLOW.replace("  data: []", "  stream: []"));
    expect(unknownApi).toMatch(
      /drift-allow\.yaml:\d+:3: apis\.stream: unknown api "stream" \(the manifest defines: trading, data\)/,
    );
  });

  it("lists the same codes in the schema as the tool reports", () => {
    const schema = JSON.parse(readFileSync(join(packageRoot, "schema/drift-allow.schema.json"), "utf8"));
    expect(schema.definitions.entry.properties.code.enum).toEqual([...DRIFT_CODES]);
  });
});

describe("drift: command line", () => {
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const code = await main(["drift", ...args]);
    vi.restoreAllMocks();
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  const base = ["shop", "--api", "trading", "--against", upstreamYaml, "--specs", fixturesDir];

  it("prints one group per operation, one line per difference, and a summary", async () => {
    const { code, out } = await cli(base);
    expect(code).toBe(0);
    expect(out).toMatch(/^GET \/v2\/orders$/m);
    expect(out).toMatch(/^ {2}param\.renamed +order_id +upstream: order_id; ours: orderId$/m);
    expect(out).toMatch(/^ {2}op\.missing +GET \/v2\/positions +upstream: getPositions$/m);
    expect(out).toMatch(
      /^drift shop\/trading: 1 missing operation, 47 field differences, 5 other differences \(extra operations, servers, security\); 0 allowed; 0 stale allow-list entries$/m,
    );
  });

  it("--json writes the report to stdout (summary on stderr) or to a file (table on stdout)", async () => {
    const toStdout = await cli([...base, "--json"]);
    const report = JSON.parse(toStdout.out);
    expect(Object.keys(report).sort()).toEqual(
      ["api", "broker", "differences", "failOn", "failed", "operations", "ours", "stale", "summary", "upstream"].sort(),
    );
    expect(report).toMatchObject({ broker: "shop", api: "trading", failOn: [], failed: false, stale: [] });
    expect(report.differences).toContainEqual({
      code: "param.type",
      class: "fields",
      operation: "GET /v2/orders",
      field: "limit",
      upstream: "integer",
      ours: "string",
    });
    expect(toStdout.err).toMatch(/^drift shop\/trading: 1 missing operation/);

    const ws = tempWorkspace();
    dispose = ws.dispose;
    const file = join(ws.root, "drift.json");
    const toFile = await cli([...base, "--json", file, "--fail-on", "missing"]);
    expect(toFile.code).toBe(1);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      failOn: ["missing"],
      failed: true,
      summary: { missing: 1 },
    });
    expect(toFile.out).toMatch(/^GET \/v2\/orders$/m);
  });

  it("exit codes: --fail-on by class, stale entries, usage and input errors", async () => {
    expect((await cli(base)).code).toBe(0);
    expect((await cli([...base, "--fail-on", "missing"])).code).toBe(1);
    expect((await cli([...base, "--fail-on", "fields"])).code).toBe(1);

    const ws = tempWorkspace(["shop"]);
    dispose = ws.dispose;
    const specs = ["shop", "--api", "trading", "--against", upstreamYaml, "--specs", ws.specsDir];
    const allowFile = join(ws.specsDir, "shop", "drift-allow.yaml");
    writeFileSync(
      allowFile,
      "apis:\n  trading:\n    - { code: op.missing, operation: GET /v2/positions, reason: Not offered here. }\n",
    );
    expect((await cli([...specs, "--fail-on", "missing"])).code).toBe(0);
    expect((await cli([...specs, "--fail-on", "missing,fields"])).code).toBe(1);
    expect((await cli([...specs, "--fail-on", "all"])).code).toBe(1);

    writeFileSync(
      allowFile,
      `${readFileSync(allowFile, "utf8")}    - { code: op.extra, operation: GET /v9/gone, reason: Removed long ago. }\n`,
    );
    const stale = await cli([...specs, "--fail-on", "missing"]);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/error: stale allow-list entries in .*drift-allow\.yaml .*drift-allow\.yaml:4:7/);
    const warned = await cli(specs);
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(/warning: stale allow-list entries/);
    expect(warned.out).toMatch(/Stale allow-list entries/);
    expect(warned.out).toMatch(
      /^ {2}op\.missing +GET \/v2\/positions +upstream: getPositions {2}— allowed: Not offered here\.$/m,
    );

    expect((await cli([...base, "--fail-on", "everything"])).code).toBe(2);
    expect((await cli(["shop", "--specs", fixturesDir])).code).toBe(2);
    expect((await cli([...base, "--bogus"])).code).toBe(2);
    const unreadable = await cli([
      "shop",
      "--api",
      "trading",
      "--against",
      join(ws.root, "nope.yaml"),
      "--specs",
      fixturesDir,
    ]);
    expect(unreadable.code).toBe(3);
    expect(unreadable.err).toMatch(/nope\.yaml: file not found/);
  });
});

const officialAlor = join(packageRoot, "../../../shared/specs/alor/WarpOpenAPIv2.yml");
describe.skipIf(!existsSync(officialAlor))("drift: the official ALOR spec", () => {
  it("completes against specs/alor and reports counts", async () => {
    const started = performance.now();
    const report = await drift({ specsDir: join(packageRoot, "../../specs"), broker: "alor", against: officialAlor });
    const ms = Math.round(performance.now() - started);
    console.log(
      `drift alor/warp vs official: ${report.operations.upstream} upstream / ${report.operations.ours} ours / ${report.operations.shared} shared operations; ` +
        `${report.summary.missing} missing, ${report.summary.fields} field, ${report.summary.other} other, ${report.summary.allowed} allowed, ${report.summary.stale} stale (${ms} ms)`,
    );
    expect(report.operations.upstream).toBeGreaterThan(0);
    expect(report.operations.ignored.length).toBeGreaterThan(0);
    for (const count of Object.values(report.summary)) expect(Number.isInteger(count)).toBe(true);
  });
});
