import type { AuthContext, BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { getOAuthProviderState } from "@better-auth/oauth-provider";
import { recordIssuedTokens, verifyMcpAccessToken } from "./oauth-tokens";

/** What one self-registered client may store (RFC 7591 metadata): anyone may register, so all of it is bounded. */
export const registrationLimits = {
  /** The whole registration request. */
  bodyBytes: 16 * 1024,
  clientName: 100,
  /** Any other text or URI field, and each entry of a list (redirect_uris, contacts, …). */
  text: 2000,
  /** Entries in any list. */
  listEntries: 10,
};

/** Registrations no user ever allowed are removed once they are this old (at the next registration). */
export const unconsentedRegistrationLifetimeMs = 24 * 60 * 60 * 1000;

// Control characters, and format characters: bidi overrides and isolates, zero-width joiners and spaces, the BOM.
// They make a name read differently from what it is ("…\u202Eedoc ruoy retne" shows as "enter your code").
const invisible = /[\p{Cc}\p{Cf}]/u;

const invalidMetadata = (field: string, problem: string) =>
  new APIError("BAD_REQUEST", { error: "invalid_client_metadata", error_description: `${field}: ${problem}` });

/** Refuses metadata that is unbounded or that could make the consent page say something else. */
export function checkRegistrationMetadata(body: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(body)) {
    const entries = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length > registrationLimits.listEntries) {
      throw invalidMetadata(field, `at most ${registrationLimits.listEntries} entries.`);
    }
    const limit = field === "client_name" ? registrationLimits.clientName : registrationLimits.text;
    for (const entry of entries) {
      if (typeof entry !== "string") continue;
      if (entry.length > limit) throw invalidMetadata(field, `at most ${limit} characters.`);
      if (invisible.test(entry)) throw invalidMetadata(field, "control, bidirectional or zero-width characters are not allowed.");
    }
  }
}

/**
 * Whether a public client is a native app (RFC 8252): it returns to loopback http or to its own URI scheme. MCP
 * clients register as public clients without naming an application type (the MCP Inspector, VS Code and the SDKs'
 * examples do), and Better Auth takes an unnamed type for "web", which allows only https on public hosts and would
 * refuse them all. A public client that returns only to https hosts stays a web client.
 */
export function isNativeRedirectSet(redirectUris: unknown): boolean {
  return Array.isArray(redirectUris) && redirectUris.some((uri) => typeof uri === "string" && !uri.toLowerCase().startsWith("https:"));
}

/**
 * The consent a request is remembered under: its exact redirect URI (Better Auth's consent reference). A consent given
 * for http://127.0.0.1:19999/callback says nothing of http://127.0.0.1:12345/callback, though RFC 8252 lets a native
 * app pick its loopback port per request and Better Auth accepts any: a page that sent the user to an allowed client's
 * authorize URL with a port of its own would otherwise get a code there without the user seeing anything.
 */
export async function consentReferenceForRequest(): Promise<string | undefined> {
  const state = await getOAuthProviderState();
  const redirectUri = state?.query ? new URLSearchParams(state.query).get("redirect_uri") : null;
  return redirectUri ? `redirect_uri=${redirectUri}` : undefined;
}

/** The client a revocation request names: `client_id` in the form, or the user name of HTTP Basic authentication. */
function requestingClient(body: Record<string, unknown> | undefined, authorization: string | null | undefined): string | undefined {
  if (typeof body?.client_id === "string") return body.client_id;
  const basic = authorization?.match(/^Basic\s+(.+)$/i)?.[1];
  if (!basic) return undefined;
  const [id] = Buffer.from(basic, "base64").toString().split(":");
  return id ? decodeURIComponent(id) : undefined;
}

async function removeUnconsentedRegistrations(adapter: AuthContext["adapter"], cutoff: Date): Promise<void> {
  const old = await adapter.findMany<{ clientId: string }>({
    model: "oauthClient",
    where: [{ field: "createdAt", operator: "lt", value: cutoff }],
    limit: 500,
  });
  if (old.length === 0) return;
  const ids = old.map((c) => c.clientId);
  const [consents, tokens] = await Promise.all(
    ["oauthConsent", "oauthRefreshToken"].map((model) =>
      adapter.findMany<{ clientId: string }>({ model, where: [{ field: "clientId", operator: "in", value: ids }] }),
    ),
  );
  const used = new Set([...consents!, ...tokens!].map((row) => row.clientId));
  const unused = ids.filter((id) => !used.has(id));
  if (unused.length) await adapter.deleteMany({ model: "oauthClient", where: [{ field: "clientId", operator: "in", value: unused }] });
}

/**
 * McpStack's rules for the OAuth provider's open endpoints, beside Better Auth's own (SECURITY.md, "OAuth for MCP
 * clients"):
 * - registration: a bounded request and bounded metadata without invisible characters; public clients with loopback
 *   or private-scheme redirects registered as native apps; registrations no user allowed removed after a day;
 * - revocation of an access token (RFC 7009): recorded by its `jti`, so the MCP server's token-status check refuses it
 *   at the next call (Better Auth answers that JWT access tokens cannot be revoked);
 * - each access token issued with a refresh token remembered with it, so it ends with its refresh token.
 */
export function oauthPolicy(now: () => number = Date.now) {
  return {
    id: "mcpstack-oauth-policy",
    schema: {
      oauthRevokedAccessToken: {
        fields: {
          jti: { type: "string", required: true, unique: true },
          expiresAt: { type: "date", required: true },
        },
      },
      oauthAccessTokenGrant: {
        fields: {
          jti: { type: "string", required: true, unique: true },
          /** The refresh token issued with it, as the provider stores it (hashed). */
          refreshToken: { type: "string", required: true, index: true },
          expiresAt: { type: "date", required: true },
        },
      },
    },
    async onRequest(request) {
      if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/oauth2/register")) return;
      const tooLarge = () => ({
        response: Response.json(
          { error: "invalid_client_metadata", error_description: `The registration is larger than ${registrationLimits.bodyBytes / 1024} KiB.` },
          { status: 413, headers: { "cache-control": "no-store" } },
        ),
      });
      if (Number(request.headers.get("content-length") ?? 0) > registrationLimits.bodyBytes) return tooLarge();
      // A body without a declared length (chunked) is read only as far as the limit.
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = request.body?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
        size += read.value.byteLength;
        if (size > registrationLimits.bodyBytes) {
          await reader!.cancel();
          return tooLarge();
        }
        chunks.push(read.value);
      }
      return { request: new Request(request, { body: Buffer.concat(chunks) }) };
    },
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === "/oauth2/register",
          handler: createAuthMiddleware(async (ctx) => {
            const body = ctx.body as Record<string, unknown> | undefined;
            if (!body || typeof body !== "object") return;
            checkRegistrationMetadata(body);
            if (body.application_type === undefined && body.token_endpoint_auth_method === "none" && isNativeRedirectSet(body.redirect_uris)) {
              body.application_type = "native";
            }
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/oauth2/revoke",
          handler: createAuthMiddleware(async (ctx) => {
            const body = ctx.body as Record<string, unknown> | undefined;
            if (typeof body?.token !== "string" || body.token_type_hint === "refresh_token") return;
            const claims = await verifyMcpAccessToken(body.token);
            // Not an unexpired access token of ours: Better Auth answers as it always has (refresh tokens, expired ones).
            if (!claims?.jti || typeof claims.exp !== "number") return;
            if (claims.azp !== requestingClient(body, ctx.headers?.get("authorization"))) {
              throw new APIError("BAD_REQUEST", { error: "invalid_request", error_description: "This token was not issued to this client." });
            }
            const { adapter } = ctx.context;
            const revoked = await adapter.findOne({ model: "oauthRevokedAccessToken", where: [{ field: "jti", value: claims.jti }] });
            if (!revoked) await adapter.create({ model: "oauthRevokedAccessToken", data: { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) } });
            // An expired token stands nowhere: its row is no longer needed.
            await adapter.deleteMany({ model: "oauthRevokedAccessToken", where: [{ field: "expiresAt", operator: "lt", value: new Date(now()) }] });
            return ctx.json(null, { headers: { "cache-control": "no-store" } });
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === "/oauth2/token",
          handler: createAuthMiddleware(async (ctx) => {
            const answer = ctx.context.returned;
            if (answer && typeof answer === "object" && !isAPIError(answer)) await recordIssuedTokens(answer);
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/oauth2/register",
          handler: createAuthMiddleware(async (ctx) => {
            await removeUnconsentedRegistrations(ctx.context.adapter, new Date(now() - unconsentedRegistrationLifetimeMs));
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
