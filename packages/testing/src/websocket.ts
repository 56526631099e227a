/** A real WebSocket opening handshake (RFC 6455), to check a streaming hand-off without a WebSocket client. */
import { randomBytes } from "node:crypto";
import { request } from "node:http";

/** Sends the upgrade request with `headers` to `url` (ws:// or http://) and resolves with the answer's status. */
export function webSocketHandshake(url: string, headers: Readonly<Record<string, string>>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, "http"), {
      headers: {
        ...headers,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        "Sec-WebSocket-Version": "13",
      },
    });
    req.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
