import { invalidModel, type Reply, saxoError } from "./reply.js";

/** One live subscription, as the streaming work needs to see it. */
export interface SimSubscription {
  /** The route prefix it was created on, e.g. `/trade/v1/infoprices/subscriptions`. */
  resource: string;
  sessionId: string;
  ContextId: string;
  ReferenceId: string;
  Tag?: string;
  Arguments: Record<string, unknown>;
  RefreshRate: number;
}

const ID = /^[a-zA-Z0-9_-]{1,50}$/;

/**
 * Records subscriptions per session, context and reference id. Create answers 201 with a snapshot taken
 * from the matching GET data; delete removes one subscription or a whole context (optionally by Tag).
 */
export class SubscriptionRegistry {
  readonly #subscriptions: SimSubscription[] = [];

  get subscriptions(): readonly SimSubscription[] {
    return this.#subscriptions;
  }

  create(
    resource: string,
    sessionId: string,
    body: unknown,
    snapshot: (args: Record<string, unknown>) => Reply,
  ): Reply {
    const request = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const problems: Record<string, string[]> = {};
    for (const field of ["ContextId", "ReferenceId"] as const) {
      const value = request[field];
      if (typeof value !== "string" || !ID.test(value)) problems[field] = [`${field} must match ${ID.source}`];
    }
    const args = request.Arguments;
    if (typeof args !== "object" || args === null || Array.isArray(args))
      problems.Arguments = ["Arguments is required"];
    if (Object.keys(problems).length > 0) return invalidModel(problems);
    const contextId = request.ContextId as string;
    const referenceId = request.ReferenceId as string;
    const replaced = typeof request.ReplaceReferenceId === "string" ? request.ReplaceReferenceId : undefined;
    if (replaced !== undefined)
      this.#remove((s) => s.sessionId === sessionId && s.ContextId === contextId && s.ReferenceId === replaced);
    const taken = this.#subscriptions.some(
      (s) => s.sessionId === sessionId && s.ContextId === contextId && s.ReferenceId === referenceId,
    );
    if (taken)
      return saxoError(409, "SubscriptionAlreadyExists", `ReferenceId ${referenceId} is in use in ${contextId}`);
    const refreshRate = typeof request.RefreshRate === "number" ? Math.max(request.RefreshRate, 0) : 1000;
    const subscription: SimSubscription = {
      resource,
      sessionId,
      ContextId: contextId,
      ReferenceId: referenceId,
      Arguments: args as Record<string, unknown>,
      RefreshRate: refreshRate,
      ...(typeof request.Tag === "string" ? { Tag: request.Tag } : {}),
    };
    // A snapshot the GET data refuses (bad Arguments) refuses the subscription, which is then not recorded.
    const data = snapshot(subscription.Arguments);
    if (data.status >= 400) return data;
    this.#subscriptions.push(subscription);
    return {
      status: 201,
      body: {
        ContextId: contextId,
        ReferenceId: referenceId,
        Format: typeof request.Format === "string" ? request.Format : "application/json",
        RefreshRate: refreshRate,
        InactivityTimeout: 120,
        State: "Active",
        ...(subscription.Tag !== undefined ? { Tag: subscription.Tag } : {}),
        Snapshot: data.body,
      },
    };
  }

  /** Removes one subscription (referenceId given) or every one of a context, optionally only those with `tag`. */
  remove(resource: string, sessionId: string, contextId: string, referenceId?: string, tag?: string | null): Reply {
    const removed = this.#remove(
      (s) =>
        s.resource === resource &&
        s.sessionId === sessionId &&
        s.ContextId === contextId &&
        (referenceId === undefined || s.ReferenceId === referenceId) &&
        (tag === undefined || tag === null || s.Tag === tag),
    );
    if (referenceId !== undefined && removed === 0) {
      return saxoError(404, "SubscriptionNotFound", `No subscription ${referenceId} in ${contextId}`);
    }
    return { status: 202 };
  }

  #remove(test: (subscription: SimSubscription) => boolean): number {
    let removed = 0;
    for (let index = this.#subscriptions.length - 1; index >= 0; index--) {
      const candidate = this.#subscriptions[index];
      if (candidate && test(candidate)) {
        this.#subscriptions.splice(index, 1);
        removed++;
      }
    }
    return removed;
  }
}
