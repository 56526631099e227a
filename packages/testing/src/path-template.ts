/**
 * Matches a request path against a `/a/{param}/b` template, segment by segment, as the simulators'
 * routers do. Returns the decoded parameters, or undefined when the path does not fit.
 */
export function matchSegments(
  want: readonly string[],
  got: readonly string[],
  options: { ignoreCase?: boolean } = {},
): Record<string, string> | undefined {
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith("{") && w.endsWith("}")) {
      if (!g) return undefined;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (options.ignoreCase ? w.toLowerCase() !== g.toLowerCase() : w !== g) {
      return undefined;
    }
  }
  return params;
}
