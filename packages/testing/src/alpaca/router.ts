/**
 * Route table for the simulator: `METHOD /path/{param}` templates, matched segment by segment.
 * Alpaca's colon sub-paths (`/v2/orders:by_client_order_id`) are literal segments.
 */
import { matchSegments } from "../path-template.js";

export interface RouteMatch<T> {
  route: T;
  /** `METHOD template`, the key for per-route counters. */
  key: string;
  params: Record<string, string>;
}

export interface RouteDefinition {
  method: string;
  template: string;
}

export class Router<T extends RouteDefinition> {
  private readonly routes: { route: T; segments: string[] }[] = [];

  add(route: T): void {
    this.routes.push({ route, segments: route.template.split("/") });
  }

  /** The matching route, `"method-not-allowed"` when only the method differs, or undefined. */
  match(method: string, path: string): RouteMatch<T> | "method-not-allowed" | undefined {
    const got = path.split("/");
    let pathMatched = false;
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, got);
      if (!params) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      return { route, key: `${route.method} ${route.template}`, params };
    }
    return pathMatched ? "method-not-allowed" : undefined;
  }
}
