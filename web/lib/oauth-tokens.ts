import { createHash } from "node:crypto";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { getAuth } from "./auth";
import { mcpResourceUrl, webUrl } from "./config";
import { adapter } from "./connected-apps";

/**
 * How the OAuth provider stores tokens and codes (its `storeTokens`): SHA-256, base64url without padding, which is
 * Better Auth's own default, written out because the token-status check below finds a refresh token by it.
 */
export async function hashToken(token: string): Promise<string> {
  return createHash("sha256").update(token).digest("base64url");
}

/** The claims of an unexpired access token this server issued for the MCP server, or undefined. */
export async function verifyMcpAccessToken(token: string): Promise<JWTPayload | undefined> {
  const jwks = (await getAuth().api.getJwks()) as JSONWebKeySet;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: webUrl(), audience: mcpResourceUrl(), algorithms: ["ES256"] });
    return payload;
  } catch {
    return undefined;
  }
}

type Consent = { clientId: string; userId: string; scopes: string[]; createdAt: Date };

/**
 * Remembers which refresh token an access token was issued with (the token endpoint's answer holds both; the JWT names
 * neither the grant nor the refresh token), so {@link tokenStands} can end the access token with its refresh token.
 */
export async function recordIssuedTokens(answer: { access_token?: unknown; refresh_token?: unknown }): Promise<void> {
  if (typeof answer.access_token !== "string" || typeof answer.refresh_token !== "string") return;
  let claims: JWTPayload;
  try {
    claims = decodeJwt(answer.access_token);
  } catch {
    return; // not a JWT: not a token for the MCP server
  }
  if (!claims.jti || typeof claims.exp !== "number") return;
  const db = await adapter();
  await db.create({
    model: "oauthAccessTokenGrant",
    data: { jti: claims.jti, refreshToken: await hashToken(answer.refresh_token), expiresAt: new Date(claims.exp * 1000) },
  });
  await db.deleteMany({ model: "oauthAccessTokenGrant", where: [{ field: "expiresAt", operator: "lt", value: new Date() }] });
}

/**
 * Whether an access token this server issued for the MCP server still stands (the MCP server asks on every call):
 * - well signed and unexpired, for the MCP server;
 * - not revoked itself (RFC 7009, `oauthRevokedAccessToken`);
 * - its client still allowed by its user with at least its scopes, from before the token was issued (disconnecting and
 *   connecting again does not revive older tokens);
 * - when it came with a refresh token (`offline_access`), that refresh token still live: revoking it, a replay that
 *   ends its family, a reused code, or the client's own next refresh (rotation) ends the access token too.
 * The signature is checked here too, so the answer tells nothing to someone who does not hold such a token.
 */
export async function tokenStands(token: string): Promise<boolean> {
  const claims = await verifyMcpAccessToken(token);
  if (!claims) return false;
  const { sub, azp, iat, scope, jti } = claims as JWTPayload & { azp?: string; scope?: string };
  if (!sub || !azp || iat === undefined || !jti) return false;
  const scopes = (scope ?? "").split(" ").filter(Boolean);
  const db = await adapter();
  const [consents, revoked, grantLive] = await Promise.all([
    db.findMany<Consent>({
      model: "oauthConsent",
      where: [
        { field: "userId", value: sub },
        { field: "clientId", value: azp },
      ],
    }),
    db.findOne({ model: "oauthRevokedAccessToken", where: [{ field: "jti", value: jti }] }),
    scopes.includes("offline_access") ? refreshTokenLive(jti) : true,
  ]);
  if (revoked || !grantLive) return false;
  return consents.some((consent) => Math.floor(new Date(consent.createdAt).getTime() / 1000) <= iat && scopes.every((s) => consent.scopes.includes(s)));
}

async function refreshTokenLive(jti: string): Promise<boolean> {
  const db = await adapter();
  const grant = await db.findOne<{ refreshToken: string }>({ model: "oauthAccessTokenGrant", where: [{ field: "jti", value: jti }] });
  if (!grant) return false;
  const refresh = await db.findOne<{ revoked?: Date | null; expiresAt: Date }>({ model: "oauthRefreshToken", where: [{ field: "token", value: grant.refreshToken }] });
  return !!refresh && !refresh.revoked && new Date(refresh.expiresAt).getTime() > Date.now();
}
