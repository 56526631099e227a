/**
 * tough-cookie glue for the sticky layer. tough-cookie is an optional peer dependency loaded with a
 * dynamic import, so it is installed (by the broker packages whose manifest declares stickiness) and
 * loaded only where stickiness is configured.
 */
import type { Cookie, CookieJar } from "tough-cookie";
import { ConfigError } from "./errors.js";

let loading: Promise<typeof import("tough-cookie")> | undefined;

export async function createCookieJar(): Promise<CookieJar> {
  loading ??= import("tough-cookie").catch((error: unknown) => {
    loading = undefined;
    throw missingToughCookie(error);
  });
  const { CookieJar } = await loading;
  return new CookieJar();
}

function missingToughCookie(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return error;
  return new ConfigError(
    "sticky: the sticky layer keeps its cookies in a tough-cookie jar, and tough-cookie is not installed " +
      "(it is an optional peer dependency of @brokerkit/middleware): run `npm install tough-cookie@^6.1.0`, " +
      "or pass `jar`",
    { cause: error },
  );
}

/** Stores every `Set-Cookie` of a response; malformed or foreign-domain cookies are skipped. */
export async function storeSetCookies(jar: CookieJar, response: Response, url: string): Promise<Cookie[]> {
  const stored: Cookie[] = [];
  for (const header of response.headers.getSetCookie()) {
    const cookie = await jar.setCookie(header, url, { ignoreError: true });
    if (cookie) stored.push(cookie);
  }
  return stored;
}
