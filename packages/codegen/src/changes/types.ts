/** What a spec change means for the package generated from it, in semver terms. */
export type Bump = "major" | "minor" | "patch";

export interface SpecChange {
  bump: Bump;
  /** One human-readable sentence, e.g. "Removed operation `DELETE /v2/orders/{order_id}` (cancelOrder)". */
  message: string;
}

/** Which way data described by a schema travels: sent by the caller, or received by it. */
export type Direction = "request" | "response";

const RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

export function highestBump(bumps: Iterable<Bump>): Bump | undefined {
  let best: Bump | undefined;
  for (const bump of bumps) if (best === undefined || RANK[bump] > RANK[best]) best = bump;
  return best;
}

export function compareBumps(a: Bump, b: Bump): number {
  return RANK[b] - RANK[a];
}
