/**
 * tough-cookie glue for the sticky layer. tough-cookie is loaded with a dynamic import, so it
 * costs nothing unless stickiness is configured.
 */
import type { Cookie, CookieJar } from "tough-cookie";

let loading: Promise<typeof import("tough-cookie")> | undefined;

export async function createCookieJar(): Promise<CookieJar> {
  loading ??= import("tough-cookie");
  const { CookieJar } = await loading;
  return new CookieJar();
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
