import { describe, expect, it } from "vitest";
import { errorForView, resultForView, viewDocument, viewPolicy, viewSandbox } from "./views";

describe("a view's frame", () => {
  it("runs scripts only: no same origin, no top navigation, no forms or popups", () => {
    expect(viewSandbox.split(" ")).toEqual(["allow-scripts"]);
  });

  it("loads nothing from elsewhere unless the resource declares it", () => {
    const policy = viewPolicy(undefined);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    expect(policy).toContain("script-src 'unsafe-inline'");
    expect(policy).not.toMatch(/https?:/);
  });

  it("names the declared origins, and drops anything that could widen the policy", () => {
    const policy = viewPolicy({
      connectDomains: ["https://api.example.com", "https://x.example.com; script-src *", "*", "javascript:", "https://ok.example.com:8443"],
      resourceDomains: ["https://cdn.example.com", "'unsafe-eval'"],
    });
    expect(policy).toContain("connect-src https://api.example.com https://ok.example.com:8443");
    expect(policy).toContain("script-src 'unsafe-inline' https://cdn.example.com");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy.split("; ").filter((d) => d.startsWith("script-src"))).toHaveLength(1);
    expect(policy).not.toContain(" * ");
  });

  it("puts the policy first in the head, before the view's own scripts", () => {
    const html = viewDocument('<!doctype html><html><head lang="en"><script>run()</script></head></html>', undefined);
    expect(html.indexOf("Content-Security-Policy")).toBeGreaterThan(html.indexOf("<head"));
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script>"));
    expect(viewDocument("<p>bare</p>", undefined).startsWith('<meta http-equiv="Content-Security-Policy"')).toBe(true);
  });
});

describe("a result for a view", () => {
  it("hands the stored structured output as MCP's structuredContent, with its JSON as text", () => {
    const result = resultForView({ tasks: [], total: 0 });
    expect(result.structuredContent).toEqual({ tasks: [], total: 0 });
    expect(JSON.parse(result.content[0]!.text)).toEqual({ tasks: [], total: 0 });
    expect(result.isError).toBeUndefined();
    expect(resultForView("plain").structuredContent).toBeUndefined();
  });

  it("says what went wrong as an error result", () => {
    expect(errorForView("No task with id x.")).toEqual({ content: [{ type: "text", text: "No task with id x." }], isError: true });
  });
});
