/**
 * Checks that a transport behaves like global fetch where the brokerkit stack depends on it: abort
 * (before the answer and while reading the body), streamed bodies both ways, every Set-Cookie line,
 * and the three redirect modes. Each check runs against the bench server with both fetches; a check
 * passes when both give the same observable outcome.
 */
/** What the probes call: fetch's own shape (URLs as strings too). */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export interface SemanticsCheck {
  check: string;
  fetch: string;
  candidate: string;
  same: boolean;
}

type Probe = (fetch: FetchLike, base: string) => Promise<string>;

const outcome = async (work: () => Promise<string>): Promise<string> => {
  try {
    return await work();
  } catch (error) {
    return `rejects (${error instanceof Error ? error.name : typeof error})`;
  }
};

const PROBES: Record<string, Probe> = {
  "abort before the answer": async (fetch, base) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    return outcome(async () => `${(await fetch(`${base}/semantics/slow`, { signal: controller.signal })).status}`);
  },
  "abort while reading the body": async (fetch, base) => {
    const controller = new AbortController();
    const response = await fetch(`${base}/semantics/stream`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 80);
    return outcome(async () => `read ${(await response.text()).length} chars`);
  },
  "streamed answer arrives in pieces": async (fetch, base) => {
    const response = await fetch(`${base}/semantics/stream`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let pieces = 0;
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces++;
      text += new TextDecoder().decode(value);
    }
    return `${pieces > 1 ? "several pieces" : "one piece"}, ${text.length} chars`;
  },
  "streamed request body": async (fetch, base) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        controller.enqueue(new TextEncoder().encode("y".repeat(500)));
        controller.close();
      },
    });
    const response = await fetch(
      new Request(`${base}/semantics/echo`, { method: "POST", body, duplex: "half" } as RequestInit),
    );
    return JSON.stringify(await response.json());
  },
  "every Set-Cookie line": async (fetch, base) =>
    (await fetch(`${base}/semantics/cookies`)).headers.getSetCookie().join(" | "),
  "302 after POST is followed as GET": async (fetch, base) =>
    JSON.stringify(await (await fetch(`${base}/semantics/redirect-302`, { method: "POST", body: "abc" })).json()),
  "307 keeps method and body": async (fetch, base) =>
    JSON.stringify(
      await (
        await fetch(`${base}/semantics/redirect-307`, {
          method: "POST",
          body: "abcdef",
          headers: { "content-type": "text/plain" },
        })
      ).json(),
    ),
  "redirect: manual returns the 3xx": async (fetch, base) => {
    const response = await fetch(`${base}/semantics/redirect-302`, { redirect: "manual" });
    return `${response.status} ${response.headers.get("location")}`;
  },
  "redirect: error rejects": async (fetch, base) =>
    outcome(async () => `${(await fetch(`${base}/semantics/redirect-302`, { redirect: "error" })).status}`),
};

export async function checkSemantics(base: string, candidate: FetchLike): Promise<SemanticsCheck[]> {
  const checks: SemanticsCheck[] = [];
  for (const [check, probe] of Object.entries(PROBES)) {
    const viaFetch = await outcome(() => probe(globalThis.fetch as FetchLike, base));
    const viaCandidate = await outcome(() => probe(candidate, base));
    checks.push({ check, fetch: viaFetch, candidate: viaCandidate, same: viaFetch === viaCandidate });
  }
  return checks;
}
