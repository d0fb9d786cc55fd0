// The web's api client is generated from the api's OpenAPI document (committed here; tests/McpStack.Api.Tests/
// OpenApiDocumentTests checks it is the one the api serves). These check the generated types are that document's,
// and that the document lints clean with Redocly's recommended rules (redocly.yaml says which rule is off and why).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const web = path.resolve(__dirname, "..", "..");
const run = (script: string, args: string[]) => execFileSync(process.execPath, [path.join(web, "node_modules", script), ...args], { cwd: web, encoding: "utf8", stdio: "pipe" });

describe("the generated api client", () => {
  it("is what openapi-typescript makes of the committed document (else: npm run generate:api)", () => {
    const fresh = path.join(mkdtempSync(path.join(tmpdir(), "api-schema-")), "api-schema.ts");
    run("openapi-typescript/bin/cli.js", ["lib/generated/openapi.json", "--empty-objects-unknown", "-o", fresh]);
    expect(readFileSync(path.join(web, "lib", "generated", "api-schema.ts"), "utf8")).toBe(readFileSync(fresh, "utf8"));
  }, 60_000);

  it("comes from a document that lints clean with the recommended rules", () => {
    const output = run("@redocly/cli/bin/cli.js", ["lint", "lib/generated/openapi.json", "--format", "stylish"]);
    expect(output).not.toMatch(/warning|error/i);
  }, 60_000);
});
