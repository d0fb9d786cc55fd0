// What the interop suite shares: the real tiers (web/e2e/stack.mjs) with a scripted OpenAI-compatible model, a user
// signed in through Chromium who granted an MCP client both scopes (tokens from McpStack's own OAuth flow, as an
// integrator gets them), the protocol revision each client negotiated (read off its requests), and the report.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser, signUpInBrowser, step } from "../../web/e2e/browser.mjs";
import { modelSettings, startFakeOpenAi } from "../../web/e2e/fake-openai.mjs";
import { connectWithSignIn, MemoryOAuthProvider, startRedirectReceiver } from "../../web/e2e/mcp-oauth-client.mjs";
import { startStack } from "../../web/e2e/stack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const reportDir = path.resolve(here, "..", "..", "artifacts", "interop");

/** The version of a client library, as installed from this folder's lock file. */
export const versionOf = (name) => JSON.parse(readFileSync(path.join(here, "node_modules", name, "package.json"), "utf8")).version;

// The MCP-Protocol-Version each client sends after it negotiated (every request on 2026-07-28; every one after
// initialize on 2025-11-25), per client, read off the fetches the libraries make in this process.
const revisions = new Map();
let current = null;
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
  const version = headers.get("mcp-protocol-version");
  if (current && version) (revisions.get(current) ?? revisions.set(current, new Set()).get(current)).add(version);
  return originalFetch(input, init);
};

/** Attributes the MCP requests made until the next call to `client` (tests run one at a time). */
export function recordAs(client) {
  current = client;
}

export const revisionsOf = (client) => [...(revisions.get(client) ?? [])];

/** Adds revisions seen by another process (mcp-remote, through recorder.mjs). */
export function recordFrom(client, versions) {
  for (const version of versions) (revisions.get(client) ?? revisions.set(client, new Set()).get(client)).add(version);
}

/** The stack, a browser, and two users with MCP tokens for both scopes (the second for another user's ids). */
export async function startInterop() {
  const model = await startFakeOpenAi();
  const stack = await startStack({ env: modelSettings(model) });
  const browser = await launchBrowser();
  const receiver = await startRedirectReceiver();
  const mcpUrl = `${stack.mcpUrl}/mcp`;

  async function userWithToken(name) {
    const user = await signUpInBrowser(browser, stack.webUrl, name);
    const provider = new MemoryOAuthProvider({ name: `interop ${name}`, redirectUrl: receiver.redirectUrl, scope: "tasks:read tasks:write" });
    const client = await connectWithSignIn(mcpUrl, provider, (url) => consent(user.page, url, receiver.next()));
    await client.close();
    return { ...user, token: provider.tokens().access_token };
  }

  const alice = await userWithToken("interop-alice");
  const bob = await userWithToken("interop-bob");
  return {
    model,
    stack,
    browser,
    mcpUrl,
    alice,
    bob,
    async stop() {
      await receiver.close();
      await browser.close();
      await stack.stop();
      await model.close();
    },
  };
}

/** A signed-in page through one authorization: the consent page (unticking `untick`), Allow, and the redirect's query. */
export async function consent(page, authorizationUrl, redirected, { untick = [] } = {}) {
  return step(page, "interop-consent", async () => {
    await page.goto(String(authorizationUrl), { waitUntil: "commit" });
    const allow = page.getByRole("button", { name: "Allow" });
    const first = await Promise.race([redirected.then(() => "redirected"), allow.waitFor().then(() => "consent")]);
    if (first === "consent") {
      for (const scope of untick) await page.getByTestId("consent-scopes").locator(`li[data-scope="${scope}"] input`).uncheck();
      await allow.click();
    }
    return redirected;
  });
}

/** The report the README's table is written from: each client, its version, the revision it negotiated, what was tested. */
export function writeReport(rows) {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(path.join(reportDir, "clients.json"), JSON.stringify(rows, null, 2));
  const table = ["| client | version | revision | tested |", "|---|---|---|---|", ...rows.map((r) => `| ${r.client} | ${r.version} | ${r.revisions.join(", ") || "?"} | ${r.tested} |`)];
  writeFileSync(path.join(reportDir, "clients.md"), table.join("\n") + "\n");
}
