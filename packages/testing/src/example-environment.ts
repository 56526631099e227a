/**
 * The environment variables the READMEs' examples read, pointing at running simulators: one place for
 * the names, shared by `brokerkit-sim` and the test that runs the README blocks.
 */
import type { AlorSimulator } from "./alor/simulator.js";
import type { AlpacaSimulator } from "./alpaca/simulator.js";
import type { SaxoSimulator } from "./saxo/simulator.js";

export function alorEnvironment(alor: AlorSimulator): Record<string, string> {
  return {
    ALOR_REFRESH_TOKEN: alor.refreshToken,
    ALOR_API_URL: alor.url,
    ALOR_OAUTH_URL: alor.url,
    ALOR_WS_URL: alor.ws.dataUrl,
    ALOR_CWS_URL: alor.ws.commandUrl,
  };
}

export function alpacaEnvironment(alpaca: AlpacaSimulator): Record<string, string> {
  return {
    APCA_API_KEY_ID: alpaca.credentials.keyId,
    APCA_API_SECRET_KEY: alpaca.credentials.secretKey,
    APCA_API_BASE_URL: alpaca.url,
    APCA_API_DATA_URL: alpaca.url,
    ALPACA_BROKER_KEY: alpaca.credentials.brokerKey,
    ALPACA_BROKER_SECRET: alpaca.credentials.brokerSecret,
    ALPACA_BROKER_URL: alpaca.url,
  };
}

/**
 * Saxo's, with a session of its own: Saxo rotates refresh tokens, so each one works once (a client keeps
 * the rotated one in its token store).
 */
export function saxoEnvironment(saxo: SaxoSimulator): Record<string, string> {
  const session = saxo.issueTokens();
  return {
    SAXO_APP_KEY: saxo.app.appKey,
    SAXO_REFRESH_TOKEN: session.refresh_token,
    SAXO_ACCESS_TOKEN: session.access_token,
    SAXO_GATEWAY_URL: saxo.servers.gateway,
    SAXO_LOGON_URL: saxo.servers.logon,
    SAXO_STREAMING_URL: saxo.servers.streaming,
  };
}
