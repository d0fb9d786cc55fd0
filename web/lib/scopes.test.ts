import { describe, expect, test } from "vitest";
import { describeScope, namesTheProduct, parseScopes, redirectHost } from "./scopes";

describe("scopes", () => {
  test("are listed known first, in a fixed order, each once", () => {
    expect(parseScopes("tasks:write openid custom tasks:read tasks:write")).toEqual(["openid", "tasks:read", "tasks:write", "custom"]);
    expect(parseScopes(null)).toEqual([]);
  });

  test("are described in plain words, and an unknown one says so", () => {
    expect(describeScope("tasks:write")).toBe("Add, change, complete and delete your tasks");
    expect(describeScope("admin")).toBe('Unknown permission "admin"');
  });

  test("name the host a client redirects to, or the scheme of an app's own URL", () => {
    expect(redirectHost("http://127.0.0.1:33418/callback?x=1")).toBe("127.0.0.1:33418");
    expect(redirectHost("http://localhost/callback")).toBe("localhost:80");
    expect(redirectHost("https://app.example/cb")).toBe("app.example:443");
    expect(redirectHost("vscode://vscode.mcp/callback")).toBe("vscode://");
    expect(redirectHost("not a url")).toBeUndefined();
  });

  test("a name that claims to be the product is told apart", () => {
    const product = "McpStack";
    const fullWidth = [...product].map((c) => (/[A-Za-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join("");
    expect(namesTheProduct(`${product} official app`)).toBe(true);
    expect(namesTheProduct(`${fullWidth.toLowerCase()} helper`)).toBe(true);
    expect(namesTheProduct(`the ${[...product].join("-")} helper`)).toBe(true);
    expect(namesTheProduct("Claude Desktop")).toBe(false);
  });
});
