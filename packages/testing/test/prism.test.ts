import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../src/prism.js";

const spec = join(fileURLToPath(import.meta.url), "../../../codegen/test/fixtures/minibroker/trading.yaml");

describe("startPrism", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism(spec);
  });
  afterAll(() => prism.close());

  it("serves the spec on 127.0.0.1 and records request violations", async () => {
    expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await prism.fetch(`${prism.url}/v2/orders?status=open`);
    expect(ok.status).toBe(200);
    expect(prism.violations).toEqual([]);
    const bad = await prism.fetch(`${prism.url}/v2/orders?status=sideways`);
    expect([400, 422]).toContain(bad.status);
    expect(prism.violations).toHaveLength(1);
    expect(JSON.stringify(prism.violations[0]?.violations)).toContain("status");
  });
});
