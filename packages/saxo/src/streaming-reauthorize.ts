/**
 * Hand-written (not generated): keeps a Saxo streaming connection authorised across token refreshes.
 *
 * A streaming connection carries the token it was opened with; when the client refreshes its token,
 * Saxo wants `PUT …/ws/authorize?contextid=…` with the new one before the old one expires. Two signals:
 *  - the credential provider's `observe()`: a `token.refreshed` event whenever REST traffic (expiry or
 *    a 401) refreshed the token, so the connection follows at once;
 *  - a timer set to the moment the token goes stale (its JWT `exp` minus the provider's skew): a
 *    program that only streams makes no REST calls, so nothing else would refresh the token. The timer
 *    asks the provider for a token, which refreshes it when stale, and re-authorises if it changed.
 * The PUT goes through the client's own stack (`runtime.ownFetch`): the auth layer sets the current token,
 * the sticky layer adds the jar's cookies and stores any new ones.
 */
import { type BrokerRuntime, HttpError, jwtExpiresAt, type MiddlewareEvent } from "@brokerkit/middleware";

export interface StreamingAuthorizerOptions {
  runtime: BrokerRuntime;
  /** `…/ws/authorize?contextid=…` on the streaming server (http form). */
  authorizeUrl: string;
  /** The token the connection was opened with. */
  authorizedToken: string;
  onError?(error: Error): void;
  onReauthorized?(): void;
  /** Longest time between two token checks. Default 60 s. */
  maxCheckIntervalMs?: number;
}

export interface StreamingAuthorizer {
  /** Re-authorises now with the current token, even when it has not changed. */
  reauthorize(): Promise<void>;
  close(): void;
}

/** Never check more often than this, whatever the token's lifetime (the provider's own floor is 1 s). */
const MIN_CHECK_MS = 1_000;
/** Fire a little after the token turns stale, so the provider surely refreshes it. */
const STALE_SLACK_MS = 50;

export function keepStreamingAuthorized(options: StreamingAuthorizerOptions): StreamingAuthorizer {
  const { runtime } = options;
  const provider = runtime.credentials;
  const maxCheckMs = Math.max(MIN_CHECK_MS, options.maxCheckIntervalMs ?? 60_000);
  const skewMs = providerSkewMs(runtime);
  let authorized = options.authorizedToken;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One re-authorisation at a time, in order: a refresh event and the timer may coincide.
  let queue: Promise<unknown> = Promise.resolve();

  const report = (error: unknown) => {
    if (closed) return;
    const failure = error instanceof Error ? error : new Error(String(error));
    if (options.onError) options.onError(failure);
    else console.warn(`saxo streaming: re-authorisation failed: ${failure.message}`);
  };

  async function currentToken(): Promise<string> {
    const headers = new Headers();
    await provider.apply(headers);
    return (headers.get("authorization") ?? "").replace(/^Bearer /, "");
  }

  async function authorize(force: boolean): Promise<boolean> {
    if (closed) return false;
    const token = await currentToken();
    if (!force && token === authorized) return false;
    // ownFetch: a request of our own, so a redirect to another origin is refused rather than followed.
    const response = await runtime.ownFetch(new Request(options.authorizeUrl, { method: "PUT" }));
    await response.body?.cancel();
    if (!response.ok) {
      throw new HttpError(`saxo streaming: PUT ${options.authorizeUrl} answered ${response.status}`, {
        method: "PUT",
        url: options.authorizeUrl,
        status: response.status,
      });
    }
    authorized = token;
    options.onReauthorized?.();
    return true;
  }

  function enqueue(force: boolean): Promise<boolean> {
    const run = queue.then(() => authorize(force));
    queue = run.catch(() => undefined);
    return run;
  }

  // A static token never changes: nothing to follow.
  const refreshes = typeof provider.observe === "function";

  function schedule(changed: boolean): void {
    if (closed || !refreshes) return;
    const expiresAt = jwtExpiresAt(authorized);
    const staleIn = expiresAt === undefined ? maxCheckMs : expiresAt - skewMs - Date.now() + STALE_SLACK_MS;
    // Stale and unchanged means the provider could not refresh: do not spin, check again later.
    const delay = staleIn <= 0 && !changed ? maxCheckMs : Math.min(maxCheckMs, Math.max(MIN_CHECK_MS, staleIn));
    timer = setTimeout(check, delay);
    timer.unref?.();
  }

  function check(): void {
    enqueue(false).then(
      (changed) => schedule(changed),
      (error: unknown) => {
        report(error);
        schedule(false);
      },
    );
  }

  if (refreshes) {
    provider.observe?.((event: MiddlewareEvent) => {
      if (!closed && event.type === "token.refreshed") enqueue(false).catch(report);
    });
    schedule(true);
  }

  return {
    reauthorize: async () => {
      await enqueue(true);
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The skew after which the client's oauth2 provider treats a token as stale. */
function providerSkewMs(runtime: BrokerRuntime): number {
  const scheme = runtime.config.auth.find(
    (candidate) => candidate.kind === "oauth2" && candidate.name === runtime.credentials.name,
  );
  return scheme?.kind === "oauth2" ? scheme.skewMs : 60_000;
}
