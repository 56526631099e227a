/**
 * Gives each state-changing call one idempotency key, generated once per logical call, so that the
 * retry layer beneath may replay it and the broker can deduplicate: in a header (ALOR `X-REQID`,
 * Saxo `x-request-id`), a JSON body field (Alpaca `client_order_id`) or a query parameter (Binance
 * `newClientOrderId`). A key the caller supplied
 * is kept. The key is recorded in `context.idempotencyKey`.
 */
import type { IdempotencyRule } from "./config.js";
import { ConfigError } from "./errors.js";
import { copyRequest, hasBody, type RequestChanges } from "./light-request.js";
import { compilePattern, type PathMatcher } from "./pattern.js";
import type { CallContext, Handler, Layer } from "./types.js";

export interface IdempotencyOptions {
  /** Key generator. Default `crypto.randomUUID()`. */
  generate?: () => string;
}

export function idempotency(rule: IdempotencyRule, options: IdempotencyOptions = {}): Layer {
  if (!rule.header && !rule.bodyField && !rule.query) {
    throw new ConfigError(
      "idempotency: the rule needs a `header`, a `bodyField` or a `query` parameter to carry the key",
    );
  }
  const methods = new Set(rule.methods.map((method) => method.toUpperCase()));
  const paths: PathMatcher[] | undefined = rule.paths?.map((pattern) => compilePattern(pattern));
  const generate = options.generate ?? (() => globalThis.crypto.randomUUID());
  const header = rule.header;
  const bodyField = rule.bodyField;
  const query = rule.query;

  function applies(request: Request, method: string, context: CallContext): boolean {
    if (!methods.has(method)) return false;
    if (!paths) return true;
    const path = context.operation?.path ?? new URL(request.url).pathname;
    return paths.some((match) => match(path) !== null);
  }

  return (next: Handler): Handler => {
    const keyed = async (request: Request, context: CallContext): Promise<Response> => {
      const inQuery = query === undefined ? undefined : queryValue(request.url, query);
      let key =
        context.idempotencyKey ??
        (header ? (request.headers.get(header) ?? undefined) : undefined) ??
        (inQuery === "" ? undefined : inQuery);
      const body = bodyField ? await jsonObjectBody(request) : undefined;
      // No header or query rule and a body that is not a JSON object: the key cannot travel with this
      // request, so none is recorded and the retry layer treats the call as having no key.
      if (header === undefined && query === undefined && body === undefined) return next(request, context);
      const supplied = body && bodyField ? body.object[bodyField] : undefined;
      if (typeof supplied === "string" && supplied !== "") key ??= supplied;
      else if (typeof supplied === "number") key ??= String(supplied);
      key ??= generate();
      context.idempotencyKey = key;
      if (rule.reuse) context.idempotencyKeyReuse = rule.reuse;

      const addHeader = header !== undefined && request.headers.get(header) === null;
      const addField =
        body !== undefined &&
        bodyField !== undefined &&
        (supplied === undefined || supplied === null || supplied === "");
      const addQuery = query !== undefined && (inQuery === undefined || inQuery === "");
      if (!addHeader && !addField && !addQuery) return next(request, context);
      // A new Request, so a Request object the caller reuses never carries this call's key into the next.
      const headers = new Headers(request.headers);
      if (addHeader) headers.set(header, key);
      const init: RequestChanges = { headers };
      if (addField && body && bodyField) {
        init.body = withField(body, bodyField, key);
        headers.delete("content-length");
      }
      if (addQuery && query !== undefined) init.url = withQuery(request.url, query, key);
      return next(copyRequest(request, init), context);
    };
    // Calls the rule does not cover (reads, most of them) go on at once, without an async frame.
    return (request, context) =>
      applies(request, request.method.toUpperCase(), context) ? keyed(request, context) : next(request, context);
  };
}

/** The raw value of query parameter `name` in `url` (decoded), or undefined when absent. */
function queryValue(url: string, name: string): string | undefined {
  const at = url.indexOf("?");
  if (at < 0) return undefined;
  return new URLSearchParams(url.slice(at + 1).split("#")[0]).get(name) ?? undefined;
}

/** `url` with `name=key` appended (an empty `name=` dropped), the rest of the query left as written. */
function withQuery(url: string, name: string, key: string): string {
  const at = url.indexOf("?");
  const base = at < 0 ? url : url.slice(0, at);
  const encoded = encodeURIComponent(name);
  const parts = (at < 0 ? "" : url.slice(at + 1))
    .split("&")
    .filter((part) => part !== "" && part !== encoded && part !== `${encoded}=`);
  parts.push(`${encoded}=${encodeURIComponent(key)}`);
  return `${base}?${parts.join("&")}`;
}

interface JsonObjectBody {
  text: string;
  object: Record<string, unknown>;
}

/**
 * Adds `field` to the body. When the field is absent it is inserted into the original text, so
 * everything else (number precision, key order) is sent exactly as the caller wrote it.
 */
function withField(body: JsonObjectBody, field: string, key: string): string {
  if (!Object.hasOwn(body.object, field)) {
    const close = body.text.lastIndexOf("}");
    const head = body.text.slice(0, close).trimEnd();
    const separator = Object.keys(body.object).length === 0 ? "" : ",";
    return `${head}${separator}${JSON.stringify(field)}:${JSON.stringify(key)}${body.text.slice(close)}`;
  }
  return JSON.stringify({ ...body.object, [field]: key });
}

/** The body as a JSON object, or undefined when it has none or it is not a JSON object (then left as is). */
async function jsonObjectBody(request: Request): Promise<JsonObjectBody | undefined> {
  if (!hasBody(request)) return undefined;
  const type = request.headers.get("content-type");
  if (type !== null && !/[/+]json\b/i.test(type)) return undefined;
  // Read a copy: if the body is not a JSON object, the original goes on untouched.
  const text = await request.clone().text();
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? { text, object: parsed as Record<string, unknown> }
      : undefined;
  } catch {
    return undefined;
  }
}
