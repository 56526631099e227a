/**
 * The Chromium runner, bundled by esbuild --platform=browser. The page's query names the broker and
 * carries the config; the outcome lands in `window.__outcome` for the test to read.
 * Saxo logs in as a browser app does: the page stores the PKCE verifier and state in sessionStorage,
 * navigates to the authorize URL, and completes the login on the redirect back to /callback.
 */
import * as alor from "@brokerkit/alor";
import * as alpacaTrading from "@brokerkit/alpaca/trading";
import { NetworkError } from "@brokerkit/middleware";
import * as saxo from "@brokerkit/saxo";
import scenarios from "./scenarios.cjs";

const sdk = { alor, alpacaTrading, saxo };
const KEY = "brokerkit-matrix";

async function main() {
  const query = new URLSearchParams(location.search);
  if (location.pathname === "/callback") {
    const pending = JSON.parse(sessionStorage.getItem(KEY) ?? "{}");
    sessionStorage.removeItem(KEY);
    const { config, state, codeVerifier } = pending;
    const options = {
      environment: "sim",
      clientId: config.saxo.appKey,
      redirectUri: config.saxo.redirectUri,
      servers: { logon: config.saxo.servers.logon },
    };
    const credentials = await saxo.completeSaxoLogin(options, { redirect: location.href, state, codeVerifier });
    return scenarios.run("saxo", sdk, { saxo: { ...config.saxo, credentials } });
  }
  const broker = query.get("broker");
  const config = JSON.parse(query.get("config") ?? "{}");
  if (broker === "network-error") return networkError(config.url);
  if (broker !== "saxo") return scenarios.run(broker, sdk, config);
  const login = saxo.startSaxoLogin({
    environment: "sim",
    clientId: config.saxo.appKey,
    redirectUri: config.saxo.redirectUri,
    servers: { logon: config.saxo.servers.logon },
  });
  sessionStorage.setItem(KEY, JSON.stringify({ config, state: login.state, codeVerifier: login.codeVerifier }));
  location.assign(login.url);
  return new Promise(() => {});
}

/** A call to a port nothing listens on: the error must be brokerkit's NetworkError, not fetch's TypeError. */
async function networkError(url) {
  const trading = alpacaTrading.createTradingClient({
    environment: "paper",
    servers: { trading: url, data: url, broker: url, authx: url },
    credentials: { keyId: "k", secretKey: "s" },
    retry: { attempts: 1 },
  });
  try {
    await trading.GET("/v2/account");
    return { ok: false, error: "the call succeeded" };
  } catch (error) {
    const summary = `${error?.name}: ${error?.message}`;
    return error instanceof NetworkError ? { ok: true, summary } : { ok: false, error: summary };
  }
}

main().then(
  (outcome) => {
    window.__outcome = outcome;
  },
  (error) => {
    window.__outcome = { ok: false, error: `${error?.name}: ${error?.message}` };
  },
);
