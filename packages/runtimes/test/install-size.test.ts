/**
 * Dependencies follow use: installing one broker package brings only what it imports. tough-cookie
 * (the sticky layer's jar) comes only with Saxo, whose manifest declares stickiness. Alpaca alone
 * stays within 1.5 MB (issue 18). Prints every broker's figure (the README's table comes from it). Each
 * install is then type-checked as a consumer would, under node10, node16 (CJS and ESM), nodenext and
 * bundler, with skipLibCheck off: the declarations must resolve without the optional tough-cookie.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type InstallSize, measureInstall, packAll } from "../src/install-size.js";

/** Issue 18: installing @brokerkit/alpaca alone stays at or under 1.5 MB (bytes of every installed file). */
const ALPACA_LIMIT_BYTES = 1_500_000;
const packs = mkdtempSync(join(tmpdir(), "brokerkit-packs-"));
const sizes: InstallSize[] = [];
let tarballs: Map<string, string> | undefined;
const noTypeErrors = (size: InstallSize) =>
  expect(size.typeErrors).toEqual(Object.fromEntries(Object.keys(size.typeErrors).map((mode) => [mode, ""])));
const tarballsOnce = () => {
  tarballs ??= packAll(packs);
  return tarballs;
};

afterAll(() => {
  rmSync(packs, { recursive: true, force: true });
  const rows = sizes.map((size) => {
    const list = Object.entries(size.packages)
      .sort(([, a], [, b]) => b - a)
      .map(([name, bytes]) => `${name} ${(bytes / 1e6).toFixed(2)} MB`)
      .join(", ");
    return `| \`${size.broker}\` | ${(size.bytes / 1e6).toFixed(2)} MB (${size.bytes} bytes) | ${list} |`;
  });
  console.log(["", "| package | node_modules | what is in it |", "| --- | ---: | --- |", ...rows].join("\n"));
});

describe("install size and consumer types of each broker package (npm install from the packed tarballs)", () => {
  it("@brokerkit/alpaca: no tough-cookie, and at most 1.5 MB", () => {
    const size = measureInstall("@brokerkit/alpaca", tarballsOnce());
    sizes.push(size);
    expect(Object.keys(size.packages)).not.toContain("tough-cookie");
    expect(size.bytes).toBeLessThanOrEqual(ALPACA_LIMIT_BYTES);
    noTypeErrors(size);
  });

  it("@brokerkit/alor: no tough-cookie", () => {
    const size = measureInstall("@brokerkit/alor", tarballsOnce());
    sizes.push(size);
    expect(Object.keys(size.packages)).not.toContain("tough-cookie");
    noTypeErrors(size);
  });

  it("@brokerkit/binance: no tough-cookie", () => {
    const size = measureInstall("@brokerkit/binance", tarballsOnce());
    sizes.push(size);
    expect(Object.keys(size.packages)).not.toContain("tough-cookie");
    noTypeErrors(size);
  });

  it("@brokerkit/saxo: tough-cookie comes with it (its manifest declares stickiness)", () => {
    const size = measureInstall("@brokerkit/saxo", tarballsOnce());
    sizes.push(size);
    expect(Object.keys(size.packages)).toContain("tough-cookie");
    noTypeErrors(size);
  });
});
