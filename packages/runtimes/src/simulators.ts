/**
 * The three simulators every cell talks to, with CORS on for the Chromium cells, and the config
 * (URLs and credentials) handed to each runner as JSON.
 */
import { type AlorSimulator, startAlorSimulator } from "@brokerkit/testing/alor/index";
import { type AlpacaSimulator, startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { type SaxoSimulator, startSaxoSimulator } from "@brokerkit/testing/saxo/index";

export interface Simulators {
  alor: AlorSimulator;
  alpaca: AlpacaSimulator;
  saxo: SaxoSimulator;
  /** What the runners receive: per broker, where the simulator is and how to log in. */
  config: Record<"alor" | "alpaca" | "saxo", Record<string, unknown>>;
  close(): Promise<void>;
}

/** `pageOrigin`: where the Chromium runner's page is served; Saxo redirects logins back to its /callback. */
export async function startSimulators(pageOrigin: string): Promise<Simulators> {
  const cors = { origin: pageOrigin };
  const redirectUri = `${pageOrigin}/callback`;
  const [alor, alpaca, saxo] = await Promise.all([
    startAlorSimulator({ cors }),
    startAlpacaSimulator({ cors }),
    startSaxoSimulator({ cors, redirectUri }),
  ]);
  return {
    alor,
    alpaca,
    saxo,
    config: {
      alor: { url: alor.url, refreshToken: alor.refreshToken },
      alpaca: { url: alpaca.url, keyId: alpaca.credentials.keyId, secretKey: alpaca.credentials.secretKey },
      saxo: { servers: saxo.servers, appKey: saxo.app.appKey, redirectUri },
    },
    close: async () => {
      await Promise.all([alor.close(), alpaca.close(), saxo.close()]);
    },
  };
}
