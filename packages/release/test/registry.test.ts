import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { whoami } from "../src/publish.js";
import { startEmbeddedRegistry } from "../src/registry.js";

const dir = mkdtempSync(join(tmpdir(), "brokerkit-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("embedded registry", () => {
  it("listens on 127.0.0.1, has a user without prompts, keeps the token out of its config, and stops", async () => {
    const registry = await startEmbeddedRegistry({ dir });
    try {
      expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(whoami({ url: registry.url, userconfig: registry.userconfig, secrets: [registry.token] })).toBe(
        "brokerkit-release",
      );
      expect(statSync(registry.userconfig).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, "config.yaml"), "utf8")).not.toContain(registry.token);
      const ping = await fetch(new URL("-/ping", registry.url));
      expect(ping.status).toBe(200);
    } finally {
      await registry.stop();
    }
    expect(alive(registry.pid)).toBe(false);
  });
});
