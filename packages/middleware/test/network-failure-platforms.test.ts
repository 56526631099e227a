import { describe, expect, it } from "vitest";
import { classifyNetworkFailure } from "../src/network-error.js";

describe("network failures as each platform's fetch reports them", () => {
  it.each([
    "fetch failed",
    "Failed to fetch",
    "NetworkError when attempting to fetch resource.",
    "Load failed",
    "error sending request for url (http://127.0.0.1:1/): client error (Connect)",
    "Network connection lost.",
  ])("TypeError(%j) is a network failure that may have been sent", (message) => {
    expect(classifyNetworkFailure(new TypeError(message))).toMatchObject({ delivery: "maybe-sent", retryable: true });
  });

  it("Bun's ConnectionRefused code means the request was not sent", () => {
    const error = Object.assign(new Error("Unable to connect. Is the computer able to access the url?"), {
      code: "ConnectionRefused",
    });
    expect(classifyNetworkFailure(error)).toMatchObject({ code: "ConnectionRefused", delivery: "not-sent" });
  });

  it("other TypeErrors are programming errors and pass through", () => {
    expect(classifyNetworkFailure(new TypeError("Cannot read properties of undefined"))).toBeUndefined();
  });
});
