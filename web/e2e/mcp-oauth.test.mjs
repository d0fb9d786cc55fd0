// MCP clients sign in to the MCP server through the web tier (OAuth 2.1, the MCP authorization spec), end to end:
// the official TypeScript SDK's client, Chromium for the user, the real tiers on SQLite.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { launchBrowser, signUpInBrowser, snapshot, step } from "./browser.mjs";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { connectWithSignIn, MemoryOAuthProvider, startRedirectReceiver } from "./mcp-oauth-client.mjs";
import { startStack } from "./stack.mjs";

let stack;
let browser;
let receiver;

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  receiver = await startRedirectReceiver();
});

after(async () => {
  await receiver?.close();
  await browser?.close();
  await stack?.stop();
});

const resourceUrl = () => `${stack.mcpUrl}/mcp`;
const taskTitles = (result) => result.structuredContent.tasks.map((t) => t.title);

/**
 * Takes a signed-in user's browser through an authorization: the consent page when it shows (unticking `untick`, then
 * `answer`), straight back to the client when the user allowed all of it before. Returns the redirect's query, and
 * whether the consent page showed.
 */
async function consentIn(page, name, authorizationUrl, { answer = "Allow", untick = [] } = {}) {
  return step(page, `${name}-consent`, async () => {
    const redirected = receiver.next();
    // Straight back to the client interrupts this navigation with another one: that is an answer too.
    await page.goto(authorizationUrl.href, { waitUntil: "commit" }).catch((error) => {
      if (!/interrupted by another navigation/.test(error.message)) throw error;
    });
    const button = page.getByRole("button", { name: answer });
    const first = await Promise.race([redirected.then(() => "redirected"), button.waitFor().then(() => "consent")]);
    if (first === "consent") {
      for (const scope of untick) await page.getByTestId("consent-scopes").locator(`li[data-scope="${scope}"] input`).uncheck();
      await button.click();
    }
    return { ...(await redirected), consentShown: first === "consent" };
  });
}

/** Opens an authorization that must stop at the consent page (a redirect straight to the client fails the wait). */
async function openConsent(page, authorizationUrl) {
  await page.goto(authorizationUrl.href, { waitUntil: "commit" }).catch((error) => {
    // The previous step's redirect to its client may still be landing.
    if (!/interrupted by another navigation/.test(error.message)) throw error;
  });
  await page.waitForURL(`${stack.webUrl}/consent?**`);
}

/** The token the web page sends the api (Better Auth's /token, audience the api). */
async function browserToken(page) {
  if (!page.url().startsWith(stack.webUrl)) await page.goto(`${stack.webUrl}/tasks`);
  return page.evaluate(async () => (await (await fetch("/api/auth/token")).json()).token);
}

const form = (fields) => new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined));

/** The web tier's RFC 8414 metadata. */
async function authorizationServer() {
  const response = await fetch(`${stack.webUrl}/.well-known/oauth-authorization-server`);
  assert.equal(response.status, 200);
  return response.json();
}

/** A client registered by hand (RFC 7591), as a client that does its own OAuth would. */
async function register(name, redirectUris = [receiver.redirectUrl], scope = "tasks:read tasks:write offline_access") {
  const response = await fetch((await authorizationServer()).registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: redirectUris, token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorizationUrl(clientId, { challenge, method = "S256", redirectUri = receiver.redirectUrl, scope = "tasks:read tasks:write offline_access", resource = resourceUrl() } = {}) {
  const url = new URL((await authorizationServer()).authorization_endpoint);
  for (const [k, v] of Object.entries({ response_type: "code", client_id: clientId, redirect_uri: redirectUri, scope, state: "s1", resource, code_challenge: challenge, code_challenge_method: challenge ? method : undefined })) {
    if (v !== undefined) url.searchParams.set(k, v);
  }
  return url;
}

/**
 * An authorization request without a session: where the server sends the user. Better Auth answers a fetch (Node's
 * sends Sec-Fetch-Mode: cors) with JSON naming the redirect rather than with a 302.
 */
async function authorizeRedirect(url) {
  const response = await fetch(url, { redirect: "manual" });
  assert.ok(response.status < 500, `${url}: ${response.status}`);
  const target = response.status === 200 ? (await response.json()).url : response.headers.get("location");
  return target ? new URL(target, stack.webUrl) : undefined;
}

async function token(fields) {
  const response = await fetch((await authorizationServer()).token_endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(fields) });
  return { status: response.status, body: await response.json() };
}

/** A whole authorization of `client` by the user in `page` (consenting if asked), ending with its tokens. */
async function grantTokens(page, client, label) {
  const { verifier, challenge } = pkce();
  const answer = await consentIn(page, label, await authorizationUrl(client.client_id, { challenge }));
  const tokens = await token({ grant_type: "authorization_code", code: answer.code, code_verifier: verifier, client_id: client.client_id, redirect_uri: receiver.redirectUrl, resource: resourceUrl() });
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.ok(tokens.body.refresh_token, "offline_access gives a refresh token");
  return tokens.body;
}

const refreshTokens = (client, refreshToken) => token({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: client.client_id, resource: resourceUrl() });

/** A JSON-RPC request to the MCP server with an access token: its HTTP status (200 while the token stands). */
async function mcpStatus(accessToken) {
  const response = await fetch(resourceUrl(), {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
  await response.body?.cancel();
  return response.status;
}

async function revoke(fields) {
  const response = await fetch((await authorizationServer()).revocation_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form(fields),
  });
  return { status: response.status, text: await response.text() };
}

/** A registration request as sent, for the bounds tests: status and OAuth error. */
async function registerRaw(metadata, init = {}) {
  const response = await fetch((await authorizationServer()).registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: [receiver.redirectUrl], token_endpoint_auth_method: "none", ...metadata }),
    ...init,
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

describe("MCP clients sign in with OAuth", { timeout: 240_000 }, () => {
  let alice;
  before(async () => {
    alice = await signUpInBrowser(browser, stack.webUrl, "alice");
  });

  test("the MCP server names the web tier as its authorization server, and the web tier describes itself (RFC 9728, 8414)", async () => {
    const unauthorized = await fetch(resourceUrl(), { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: "{}" });
    assert.equal(unauthorized.status, 401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(unauthorized.headers.get("www-authenticate"))?.[1];
    const resource = await (await fetch(metadataUrl)).json();
    assert.equal(resource.resource, resourceUrl());
    assert.deepEqual(resource.authorization_servers, [stack.webUrl], "only the web tier, never the api");
    assert.deepEqual(resource.scopes_supported, ["tasks:read", "tasks:write"]);

    const server = await authorizationServer();
    assert.equal(server.issuer, stack.webUrl);
    assert.deepEqual(server.code_challenge_methods_supported, ["S256"]);
    assert.ok(server.registration_endpoint && server.revocation_endpoint && server.jwks_uri);
    assert.ok(!server.grant_types_supported.includes("client_credentials"), server.grant_types_supported.join());
    const openid = await (await fetch(`${stack.webUrl}/.well-known/openid-configuration`)).json();
    assert.equal(openid.issuer, stack.webUrl);

    // A browser-based client on another origin may read the metadata and register, but not reach the user's session.
    await alice.page.goto(receiver.redirectUrl);
    const crossOrigin = await alice.page.evaluate(async ({ webUrl, registration }) => {
      const metadata = await fetch(`${webUrl}/.well-known/oauth-authorization-server`).then((r) => r.json());
      const registered = await fetch(registration, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_name: "Browser client", redirect_uris: ["http://127.0.0.1:1/cb"], token_endpoint_auth_method: "none" }),
      }).then((r) => r.status);
      const session = await fetch(`${webUrl}/api/auth/get-session`, { credentials: "include" }).then(() => "read", () => "refused");
      return { issuer: metadata.issuer, registered, session };
    }, { webUrl: stack.webUrl, registration: server.registration_endpoint });
    assert.deepEqual(crossOrigin, { issuer: stack.webUrl, registered: 201, session: "refused" });
  });

  test("a client registers, the user consents in the browser, and the client sees that user's tasks only", async () => {
    await step(alice.page, "alice-add-task", async () => {
      await alice.page.goto(`${stack.webUrl}/tasks`);
      await alice.page.getByLabel("New task").fill("Written on the web");
      await alice.page.getByRole("button", { name: "Add" }).click();
      await alice.page.getByTestId("task-row").filter({ hasText: "Written on the web" }).waitFor();
    });

    const provider = new MemoryOAuthProvider({ name: "Alice's MCP client", redirectUrl: receiver.redirectUrl });
    let consentShown;
    const client = await connectWithSignIn(resourceUrl(), provider, async (url) => {
      assert.equal(url.origin, stack.webUrl, "the authorization server is the web tier");
      assert.equal(url.searchParams.get("code_challenge_method"), "S256");
      assert.equal(url.searchParams.get("resource"), resourceUrl());
      return step(alice.page, "alice-consent", async () => {
        const redirected = receiver.next();
        await alice.page.goto(url.href);
        await alice.page.getByTestId("consent-client").filter({ hasText: "Alice's MCP client" }).waitFor();
        consentShown = {
          host: await alice.page.getByTestId("consent-host").textContent(),
          scopes: await alice.page.getByTestId("consent-scopes").locator("li").evaluateAll((items) => items.map((i) => i.dataset.scope)),
        };
        console.log(`Consent page: ${await snapshot(alice.page, "oauth-consent")}`);
        await alice.page.getByRole("button", { name: "Allow" }).click();
        return redirected;
      });
    });
    assert.equal(consentShown.host, new URL(receiver.redirectUrl).host);
    assert.ok(consentShown.scopes.includes("tasks:read") && consentShown.scopes.includes("tasks:write"), consentShown.scopes.join(" "));

    const tools = await client.listTools();
    assert.ok(tools.tools.some((t) => t.name === "add_task"));
    assert.deepEqual(taskTitles(await client.callTool({ name: "list_tasks", arguments: {} })), ["Written on the web"]);
    const added = await client.callTool({ name: "add_task", arguments: { title: "Written by the MCP client" } });
    assert.equal(added.isError, undefined, JSON.stringify(added));
    await alice.page.goto(`${stack.webUrl}/tasks`);
    await alice.page.getByTestId("task-row").filter({ hasText: "Written by the MCP client" }).waitFor();
    await client.close();
  });

  test("someone not signed in creates an account inside the flow, and the authorization resumes at consent", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const provider = new MemoryOAuthProvider({ name: "Newcomer's client", redirectUrl: receiver.redirectUrl });
    const client = await connectWithSignIn(resourceUrl(), provider, (url) =>
      step(page, "newcomer-sign-up-in-flow", async () => {
        const redirected = receiver.next();
        await page.goto(url.href);
        await page.waitForURL("**/sign-in?**");
        await page.getByRole("link", { name: "Create an account" }).click();
        await page.waitForURL("**/sign-up?**client_id=**");
        await page.getByLabel("Name").fill("Newcomer");
        await page.getByLabel("Email").fill(`newcomer-${Date.now()}@example.test`);
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign up" }).click();
        await page.getByTestId("consent-client").filter({ hasText: "Newcomer's client" }).waitFor();
        await page.getByRole("button", { name: "Allow" }).click();
        return redirected;
      }),
    );
    assert.deepEqual(taskTitles(await client.callTool({ name: "list_tasks", arguments: {} })), []);
    await client.close();
    await context.close();
  });

  test("a second user's client sees only that user's tasks, and cannot touch the first user's", async () => {
    const aliceTasks = await fetch(`${stack.apiUrl}/api/tasks`, { headers: { authorization: `Bearer ${await browserToken(alice.page)}` } }).then((r) => r.json());
    const aliceTaskId = aliceTasks.items[0].id;
    const bob = await signUpInBrowser(browser, stack.webUrl, "bob");
    const provider = new MemoryOAuthProvider({ name: "Bob's client", redirectUrl: receiver.redirectUrl });
    const client = await connectWithSignIn(resourceUrl(), provider, (url) => consentIn(bob.page, "bob", url));
    assert.deepEqual(taskTitles(await client.callTool({ name: "list_tasks", arguments: {} })), []);
    const refused = await client.callTool({ name: "complete_task", arguments: { id: aliceTaskId } });
    assert.equal(refused.isError, true, JSON.stringify(refused));
    await client.close();
    await bob.context.close();
  });

  test("a client the user allowed only to read is refused a write with the insufficient-scope challenge, and writes after the user allows it", async () => {
    const provider = new MemoryOAuthProvider({ name: "Careful client", redirectUrl: receiver.redirectUrl });
    const client = await connectWithSignIn(resourceUrl(), provider, (url) => consentIn(alice.page, "alice-read-only", url, { untick: ["tasks:write"] }));
    assert.equal(provider.tokens().scope, "tasks:read");
    assert.ok(taskTitles(await client.callTool({ name: "list_tasks", arguments: {} })).length > 0);

    // The SDK meets the 403, asks for read and write, and sends the user back to consent.
    await assert.rejects(client.callTool({ name: "add_task", arguments: { title: "Needs write" } }), (e) => e instanceof UnauthorizedError);
    const stepUp = provider.authorizationUrls.at(-1);
    assert.equal(stepUp.searchParams.get("scope"), "tasks:read tasks:write");
    const answer = await consentIn(alice.page, "alice-step-up", stepUp);
    await client.transport.finishAuth(answer.code);
    assert.equal(provider.tokens().scope, "tasks:read tasks:write");
    const added = await client.callTool({ name: "add_task", arguments: { title: "Needs write" } });
    assert.equal(added.isError, undefined, JSON.stringify(added));
    assert.equal(taskTitles(await client.callTool({ name: "list_tasks", arguments: {} })).filter((t) => t === "Needs write").length, 1, "added once, not before the consent");
    await client.close();
  });

  test("refresh tokens rotate; a replayed one ends the whole family; revocation ends one", async () => {
    const client = await register("Refreshing client");
    const grant = (label) => grantTokens(alice.page, client, label);
    const refresh = (refreshToken) => refreshTokens(client, refreshToken);

    const first = await grant("alice-refresh");
    const second = await refresh(first.refresh_token);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.notEqual(second.body.refresh_token, first.refresh_token, "rotated");
    assert.equal(new URL(resourceUrl()).origin + "/mcp", JSON.parse(Buffer.from(second.body.access_token.split(".")[1], "base64url")).aud);
    // The first one, used again: a stolen copy, so the newer one dies too (RFC 9700 §4.14.2).
    const replayed = await refresh(first.refresh_token);
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.error, "invalid_grant");
    assert.equal((await refresh(second.body.refresh_token)).body.error, "invalid_grant", "the family is revoked");

    // Revocation (RFC 7009) ends a refresh token; the user's consent stands, so signing in again needs no page.
    const third = await grant("alice-refresh-again");
    const revoked = await fetch((await authorizationServer()).revocation_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ token: third.refresh_token, token_type_hint: "refresh_token", client_id: client.client_id }),
    });
    assert.equal(revoked.status, 200, await revoked.clone().text());
    assert.equal((await refresh(third.refresh_token)).body.error, "invalid_grant");
  });

  test("the connected-apps page lists the allowed clients, and disconnecting one stops its refresh token and its access token", async () => {
    const client = await register("Client to disconnect");
    const { verifier, challenge } = pkce();
    const answer = await consentIn(alice.page, "alice-connect", await authorizationUrl(client.client_id, { challenge }));
    const tokens = await token({ grant_type: "authorization_code", code: answer.code, code_verifier: verifier, client_id: client.client_id, redirect_uri: receiver.redirectUrl, resource: resourceUrl() });
    assert.equal(tokens.status, 200);
    const listTools = () =>
      fetch(resourceUrl(), {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.body.access_token}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      });
    assert.equal((await listTools()).status, 200, "the app's token works while it is connected");
    // The status endpoint answers only for a token one holds: a forged copy or another audience's token is inactive.
    const status = async (fields) => {
      const response = await fetch(`${stack.webUrl}/api/oauth/token-status`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(fields) });
      return { status: response.status, body: await response.json() };
    };
    const [header, payload, signature] = tokens.body.access_token.split(".");
    const forged = [header, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url")), scope: "tasks:read tasks:write openid" })).toString("base64url"), signature].join(".");
    assert.deepEqual(await status({ token: tokens.body.access_token }), { status: 200, body: { active: true } });
    assert.deepEqual(await status({ token: forged }), { status: 200, body: { active: false } });
    assert.deepEqual(await status({ token: await browserToken(alice.page) }), { status: 200, body: { active: false } }, "a token for the api is not one of these");
    assert.equal((await status({})).status, 400);

    const { page } = alice;
    const row = page.getByTestId("connected-app").filter({ hasText: "Client to disconnect" });
    await step(page, "connected-apps", async () => {
      await page.goto(`${stack.webUrl}/connected-apps`);
      await row.waitFor();
      assert.deepEqual(await row.locator("li[data-scope]").evaluateAll((items) => items.map((i) => i.dataset.scope)), ["offline_access", "tasks:read", "tasks:write"]);
      assert.ok(await page.getByTestId("connected-app").filter({ hasText: "Alice's MCP client" }).count());
      console.log(`Connected apps: ${await snapshot(page, "connected-apps")}`);
      await row.getByRole("button", { name: "Disconnect" }).click();
      await row.waitFor({ state: "detached" });
    });
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: tokens.body.refresh_token, client_id: client.client_id });
    assert.equal(refreshed.body.error, "invalid_grant", JSON.stringify(refreshed.body));
    // Its access token is unexpired and well signed, yet its next call is refused: the MCP server asks the web tier.
    const after = await listTools();
    assert.equal(after.status, 401, await after.text());
    assert.match(after.headers.get("www-authenticate"), /^Bearer /);
  });

  test("bad requests get OAuth errors, never a code, a token or a 500", async () => {
    const client = await register("Strict client");
    const other = await register("Someone else's client");
    const elsewhere = "http://127.0.0.1:9/not-registered";

    // Each request as a browser without a session sends it: never to an unregistered redirect, never with a code.
    const { verifier, challenge } = pkce();
    const wrongRedirect = await authorizeRedirect(await authorizationUrl(client.client_id, { challenge, redirectUri: elsewhere }));
    assert.ok(!String(wrongRedirect).startsWith(elsewhere), String(wrongRedirect));
    assert.equal(wrongRedirect.searchParams.get("error"), "invalid_redirect");
    for (const [label, url, error] of [
      ["missing PKCE", await authorizationUrl(client.client_id), "invalid_request"],
      ["plain PKCE", await authorizationUrl(client.client_id, { challenge: verifier, method: "plain" }), "invalid_request"],
      ["another resource (the api)", await authorizationUrl(client.client_id, { challenge, resource: stack.apiUrl }), "invalid_target"],
    ]) {
      const location = await authorizeRedirect(url);
      assert.equal(`${location.origin}${location.pathname}`, receiver.redirectUrl, label);
      assert.equal(location.searchParams.get("error"), error, `${label}: ${location}`);
      assert.equal(location.searchParams.get("code"), null, label);
    }

    // Denied consent: the client hears access_denied.
    const denied = await consentIn(alice.page, "alice-deny", await authorizationUrl(client.client_id, { challenge }), { answer: "Deny" });
    assert.equal(denied.error, "access_denied");
    assert.equal(denied.code, undefined);

    // A code is spent by its first use, right or wrong: not for another client, nor with a wrong verifier or
    // redirect, and not twice.
    const exchange = async (label) => {
      const answer = await consentIn(alice.page, label, await authorizationUrl(client.client_id, { challenge }));
      return { grant_type: "authorization_code", code: answer.code, code_verifier: verifier, client_id: client.client_id, redirect_uri: receiver.redirectUrl, resource: resourceUrl() };
    };
    for (const [label, change] of [
      ["another client", { client_id: other.client_id }],
      ["a wrong verifier", { code_verifier: pkce().verifier }],
      ["another redirect URI", { redirect_uri: elsewhere }],
    ]) {
      const request = await exchange(`alice-code-${label.replaceAll(" ", "-")}`);
      const refused = await token({ ...request, ...change });
      assert.ok(refused.status >= 400 && refused.status < 500, `${label}: ${refused.status}`);
      assert.ok(["invalid_grant", "invalid_client", "invalid_request"].includes(refused.body.error), `${label}: ${JSON.stringify(refused.body)}`);
      const retried = await token(request);
      assert.equal(retried.status, 400, `${label}: the code is spent`);
      assert.ok(["invalid_grant", "invalid_request"].includes(retried.body.error) && !retried.body.access_token, `${label}: ${JSON.stringify(retried.body)}`);
    }
    const request = await exchange("alice-code");
    const granted = await token(request);
    assert.equal(granted.status, 200, JSON.stringify(granted.body));

    // The MCP token is for the MCP server only: the api refuses it, the MCP server takes it.
    const atApi = await fetch(`${stack.apiUrl}/api/tasks`, { headers: { authorization: `Bearer ${granted.body.access_token}` } });
    assert.equal(atApi.status, 401);
    assert.equal(await mcpStatus(granted.body.access_token), 200);
    // A code works once, and used again it ends what it gave (RFC 6749 §4.1.2): a thief's replay stops the tokens too.
    assert.equal((await token(request)).body.error, "invalid_grant", "a code works once");
    assert.equal(await mcpStatus(granted.body.access_token), 401, "the reused code's access token is ended");
  });

  test("a consent holds for the exact redirect URI: another loopback port, or none, shows the consent page again, naming it", async () => {
    const client = await register("Port-picking client");
    const second = await startRedirectReceiver();
    try {
      const { verifier, challenge } = pkce();
      const first = await consentIn(alice.page, "port-first", await authorizationUrl(client.client_id, { challenge }));
      assert.ok(first.code && first.consentShown);
      const again = await consentIn(alice.page, "port-again", await authorizationUrl(client.client_id, { challenge }));
      assert.ok(again.code && !again.consentShown, "the same redirect URI: no page");

      // Another port on the same loopback host, which RFC 8252 lets a native app choose per request: Better Auth takes
      // it as registered, and used to send the code there at once. Now the user is asked, and sees where it goes.
      const otherPort = await step(alice.page, "port-other", async () => {
        const url = await authorizationUrl(client.client_id, { challenge, redirectUri: second.redirectUrl });
        const redirected = second.next();
        await openConsent(alice.page, url);
        assert.equal(await alice.page.getByTestId("consent-host").textContent(), new URL(second.redirectUrl).host);
        await alice.page.getByRole("button", { name: "Allow" }).click();
        return redirected;
      });
      const exchanged = await token({ grant_type: "authorization_code", code: otherPort.code, code_verifier: verifier, client_id: client.client_id, redirect_uri: second.redirectUrl, resource: resourceUrl() });
      assert.equal(exchanged.status, 200, "allowed by the user, the other port works");

      // No port at all is port 80, not "any port": asked again, and named so.
      await step(alice.page, "port-none", async () => {
        await openConsent(alice.page, await authorizationUrl(client.client_id, { challenge, redirectUri: "http://127.0.0.1/callback" }));
        assert.equal(await alice.page.getByTestId("consent-host").textContent(), "127.0.0.1:80");
      });
      // Both allowed URIs are still one app on the connected-apps page.
      await alice.page.goto(`${stack.webUrl}/connected-apps`);
      await alice.page.getByTestId("connected-app").filter({ hasText: "Port-picking client" }).waitFor();
      assert.equal(await alice.page.getByTestId("connected-app").filter({ hasText: "Port-picking client" }).count(), 1);
    } finally {
      await second.close();
    }
  });

  test("the consent page says an app registered itself, and that a name with McpStack in it is not McpStack", async () => {
    const client = await register("McpStack official app");
    const { challenge } = pkce();
    await step(alice.page, "consent-impersonation", async () => {
      await openConsent(alice.page, await authorizationUrl(client.client_id, { challenge }));
      await alice.page.getByTestId("consent-client").filter({ hasText: "McpStack official app" }).waitFor();
      assert.match(await alice.page.getByTestId("consent-unverified").textContent(), /Unverified app\. It registered itself; McpStack has not checked who made it/);
      assert.match(await alice.page.getByTestId("consent-impersonation").textContent(), /not part of McpStack/);
      assert.equal(await alice.page.getByTestId("consent-host").textContent(), new URL(receiver.redirectUrl).host);
      console.log(`Consent page for an app that names McpStack: ${await snapshot(alice.page, "oauth-consent-unverified")}`);
    });
    // A name of its own gets the unverified notice and no impersonation warning.
    const plain = await register("Plain client");
    await openConsent(alice.page, await authorizationUrl(plain.client_id, { challenge }));
    await alice.page.getByTestId("consent-client").filter({ hasText: "Plain client" }).waitFor();
    assert.ok(await alice.page.getByTestId("consent-unverified").isVisible());
    assert.equal(await alice.page.getByTestId("consent-impersonation").count(), 0);
  });

  test("registration metadata is bounded and visible: 400 invalid_client_metadata naming the field, 413 for a huge request", async () => {
    const long = (n) => "x".repeat(n);
    for (const [label, metadata, field] of [
      ["a 101-character name", { client_name: long(101) }, "client_name"],
      ["a bidi override in the name", { client_name: "McpStack official app \u202Eedoc ruoy retne\u202C" }, "client_name"],
      ["a zero-width space in the name", { client_name: "Mcp\u200BStack" }, "client_name"],
      ["a control character in the name", { client_name: "bell\u0007" }, "client_name"],
      ["11 redirect URIs", { redirect_uris: Array.from({ length: 11 }, (_, i) => `http://127.0.0.1:${2000 + i}/cb`) }, "redirect_uris"],
      ["a 2,001-character redirect URI", { redirect_uris: [`http://127.0.0.1:1/${long(2001 - 19)}`] }, "redirect_uris"],
      ["a 2,001-character client_uri", { client_uri: `https://example.test/${long(2001 - 21)}` }, "client_uri"],
      ["11 contacts", { contacts: Array.from({ length: 11 }, (_, i) => `c${i}@example.test`) }, "contacts"],
    ]) {
      const { status, body } = await registerRaw({ client_name: "Bounded", ...metadata });
      assert.equal(status, 400, `${label}: ${JSON.stringify(body).slice(0, 200)}`);
      assert.equal(body.error, "invalid_client_metadata", label);
      assert.ok(body.error_description.startsWith(`${field}:`), `${label}: ${body.error_description}`);
    }
    const huge = await registerRaw({ client_name: long(20 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error, "invalid_client_metadata");
    // Without a declared length (chunked), read only as far as the limit.
    const chunked = await registerRaw({}, {
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`{"client_name":"${long(64 * 1024)}`));
          controller.close();
        },
      }),
      duplex: "half",
    });
    assert.equal(chunked.status, 413);
    assert.equal((await registerRaw({ client_name: long(100) })).status, 201, "100 characters is the limit, not over it");

    // Public clients: native (loopback or their own scheme) or web (https only), never https taken for native.
    assert.equal((await registerRaw({ client_name: "Loopback", redirect_uris: [receiver.redirectUrl] })).body.application_type, "native");
    assert.equal((await registerRaw({ client_name: "Private scheme", redirect_uris: ["com.example.app:/callback"] })).body.application_type, "native");
    assert.equal((await registerRaw({ client_name: "Hosted", redirect_uris: ["https://app.example.test/callback"] })).body.application_type, "web");
  });

  test("revocation stops what was revoked: a refresh token and its access token, a replayed family, one access token", async () => {
    const client = await register("Revoked client");
    const grant = (label) => grantTokens(alice.page, client, label);
    const refresh = (refreshToken) => refreshTokens(client, refreshToken);

    // Revoking a refresh token ends the access token issued with it at its next call, not 5 minutes later.
    const first = await grant("revoke-refresh");
    const kept = await grant("revoke-refresh-other-grant");
    assert.equal(await mcpStatus(first.access_token), 200);
    assert.equal((await revoke({ token: first.refresh_token, token_type_hint: "refresh_token", client_id: client.client_id })).status, 200);
    assert.equal(await mcpStatus(first.access_token), 401, "its grant is revoked");
    assert.equal(await mcpStatus(kept.access_token), 200, "another grant of the same client and user stands");

    // A replayed refresh token ends the family, access tokens included.
    const rotated = await refresh(kept.refresh_token);
    assert.equal(rotated.status, 200);
    assert.equal(await mcpStatus(rotated.body.access_token), 200);
    assert.equal(await mcpStatus(kept.access_token), 401, "a refresh retires the access token issued before it");
    assert.equal((await refresh(kept.refresh_token)).body.error, "invalid_grant");
    assert.equal(await mcpStatus(rotated.body.access_token), 401, "the replay ended the family");

    // An access token revoked by its client (RFC 7009): 200, then refused; the grant itself stands.
    const third = await grant("revoke-access");
    const elsewhere = await register("Another client");
    const notItsOwn = await revoke({ token: third.access_token, token_type_hint: "access_token", client_id: elsewhere.client_id });
    assert.equal(notItsOwn.status, 400, "only its own client revokes it");
    assert.equal(await mcpStatus(third.access_token), 200);
    const revokedAccess = await revoke({ token: third.access_token, token_type_hint: "access_token", client_id: client.client_id });
    assert.equal(revokedAccess.status, 200, revokedAccess.text);
    assert.equal(await mcpStatus(third.access_token), 401);
    assert.equal((await revoke({ token: third.access_token, client_id: client.client_id })).status, 200, "twice is fine");
    const next = await refresh(third.refresh_token);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(await mcpStatus(next.body.access_token), 200, "a new access token of the same grant works");
  });
});
