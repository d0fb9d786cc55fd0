// An MCP client as a user's own app would be: the official TypeScript SDK's Client with its OAuth support, registering
// itself (RFC 7591), sending the user to the web tier to sign in and consent, and receiving the code on a loopback
// redirect (RFC 8252), as desktop MCP clients do.
import { createServer } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** A loopback server that receives authorization responses, one at a time. */
export async function startRedirectReceiver() {
  const waiting = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    // Only the redirect: the browser also asks for /favicon.ico after the page, which once answered the next flow.
    if (url.pathname !== "/callback") return res.writeHead(404).end();
    res.setHeader("content-type", "text/html");
    res.end("<p>Signed in. You can close this window.</p>");
    waiting.shift()?.(Object.fromEntries(url.searchParams));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    redirectUrl: `http://127.0.0.1:${server.address().port}/callback`,
    /** The query of the next authorization response (code and state, or error). */
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The SDK's OAuthClientProvider, keeping everything in memory. */
export class MemoryOAuthProvider {
  constructor({ name, redirectUrl, scope }) {
    this.name = name;
    this._redirectUrl = redirectUrl;
    this.scope = scope;
    this.authorizationUrls = [];
  }
  get redirectUrl() {
    return this._redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: this.name,
      redirect_uris: [this._redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client) {
    this.client = client;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  invalidateCredentials(scope) {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "client") this.client = undefined;
  }
}

/**
 * Connects as the SDK does in an app: the first attempt meets 401 and starts the authorization, `authorize` takes the
 * browser through it and returns the redirect's query, and the code is exchanged before connecting again.
 */
export async function connectWithSignIn(resourceUrl, provider, authorize) {
  const first = new StreamableHTTPClientTransport(new URL(resourceUrl), { authProvider: provider });
  try {
    const client = new Client({ name: provider.name, version: "1.0.0" });
    await client.connect(first);
    return client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const response = await authorize(provider.authorizationUrls.at(-1));
  if (!response.code) throw new Error(`The authorization ended without a code: ${JSON.stringify(response)}`);
  await first.finishAuth(response.code);
  const client = new Client({ name: provider.name, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(resourceUrl), { authProvider: provider }));
  return client;
}
