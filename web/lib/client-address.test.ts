import { describe, expect, test } from "vitest";
import { clientAddress, trustedProxies } from "./client-address";

describe("clientAddress", () => {
  const none = trustedProxies("");
  const proxy = trustedProxies("10.0.0.7, 10.1.0.0/16");

  test("an untrusted peer is the client, whatever X-Forwarded-For it sends", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", none)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", ["1.1.1.1", "2.2.2.2, 3.3.3.3"], proxy)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", undefined, none)).toBe("203.0.113.9");
  });

  test("through a trusted proxy the client is the first untrusted hop from the right", () => {
    expect(clientAddress("10.0.0.7", "198.51.100.1", proxy)).toBe("198.51.100.1");
    // A client that forges the leftmost entry gets its real address, which the proxy appended, counted.
    expect(clientAddress("10.0.0.7", "6.6.6.6, 198.51.100.1", proxy)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.7", "198.51.100.1, 10.1.2.3", proxy)).toBe("198.51.100.1");
    expect(clientAddress("::ffff:10.0.0.7", undefined, proxy)).toBe("10.0.0.7");
    expect(clientAddress("10.0.0.7", "not-an-address", proxy)).toBe("10.0.0.7");
  });

  test("a setting that is not an address or a range stops the start", () => {
    expect(() => trustedProxies("10.0.0.0/33")).toThrow(/TRUSTED_PROXIES/);
    expect(() => trustedProxies("ingress")).toThrow(/"ingress"/);
    expect(() => trustedProxies("10.0.0.1/8/2")).toThrow();
    expect(trustedProxies("::1, fd00::/8").check("fd00::5", "ipv6")).toBe(true);
  });
});
