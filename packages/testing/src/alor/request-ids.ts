/**
 * ALOR's X-REQID idempotency: the first request with a key is executed and its reply remembered; every
 * later request of the same user with that key gets the remembered outcome and changes nothing.
 */
import type { Reply } from "./http.js";

export class RequestIdStore {
  private readonly replies = new Map<string, Reply>();

  recall(login: string, requestId: string): Reply | undefined {
    return this.replies.get(`${login}\n${requestId}`);
  }

  remember(login: string, requestId: string, reply: Reply): void {
    this.replies.set(`${login}\n${requestId}`, reply);
  }
}
