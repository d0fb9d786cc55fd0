import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { getAuth } from "./auth";
import { mcpResourceUrl, webUrl } from "./config";

/** An MCP client (or any OAuth client) the user allowed, as the Connected apps page shows it. */
export type ConnectedApp = {
  consentId: string;
  clientId: string;
  name: string;
  scopes: string[];
  connectedAt: Date;
  /** When it last got a token: its sign-in, or its latest refresh. */
  lastUsedAt: Date;
};

type Consent = { id: string; clientId: string; userId: string; scopes: string[]; createdAt: Date; updatedAt: Date };
type Client = { clientId: string; name?: string | null };
type RefreshToken = { id: string; createdAt: Date; revoked?: Date | null };

async function adapter() {
  return (await getAuth().$context).adapter;
}

export async function listConnectedApps(userId: string): Promise<ConnectedApp[]> {
  const db = await adapter();
  const consents = await db.findMany<Consent>({ model: "oauthConsent", where: [{ field: "userId", value: userId }] });
  const apps = await Promise.all(
    consents.map(async (consent) => {
      const [client, tokens] = await Promise.all([
        db.findOne<Client>({ model: "oauthClient", where: [{ field: "clientId", value: consent.clientId }] }),
        db.findMany<RefreshToken>({
          model: "oauthRefreshToken",
          where: [
            { field: "userId", value: userId },
            { field: "clientId", value: consent.clientId },
          ],
        }),
      ]);
      const lastToken = Math.max(...tokens.map((t) => new Date(t.createdAt).getTime()), new Date(consent.updatedAt).getTime());
      return {
        consentId: consent.id,
        clientId: consent.clientId,
        name: client?.name || "An unnamed app",
        scopes: consent.scopes,
        connectedAt: new Date(consent.createdAt),
        lastUsedAt: new Date(lastToken),
      };
    }),
  );
  return apps.sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
}

/**
 * Disconnects an app: its consent goes, so its next sign-in asks again, and every refresh token it holds for this
 * user is revoked at once. Its access tokens stop at their next call: the MCP server asks {@link tokenStands} about
 * each. False when the consent is not this user's.
 */
export async function disconnectApp(userId: string, consentId: string): Promise<boolean> {
  const db = await adapter();
  const consent = await db.findOne<Consent>({ model: "oauthConsent", where: [{ field: "id", value: consentId }] });
  if (!consent || consent.userId !== userId) return false;
  await db.updateMany({
    model: "oauthRefreshToken",
    where: [
      { field: "userId", value: userId },
      { field: "clientId", value: consent.clientId },
    ],
    update: { revoked: new Date() },
  });
  await db.delete({ model: "oauthConsent", where: [{ field: "id", value: consentId }] });
  return true;
}

/**
 * Whether an access token this server issued for the MCP server still stands: well signed, unexpired, and its client
 * still allowed by its user with at least its scopes, from before the token was issued (disconnecting and connecting
 * again does not revive older tokens). The signature is checked here too, so the answer tells nothing to someone who
 * does not hold such a token.
 */
export async function tokenStands(token: string): Promise<boolean> {
  const jwks = (await getAuth().api.getJwks()) as JSONWebKeySet;
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: webUrl(), audience: mcpResourceUrl(), algorithms: ["ES256"] }));
  } catch {
    return false;
  }
  const { sub, azp, iat, scope } = claims as { sub?: string; azp?: string; iat?: number; scope?: string };
  if (!sub || !azp || iat === undefined) return false;
  const db = await adapter();
  const consent = await db.findOne<Consent>({
    model: "oauthConsent",
    where: [
      { field: "userId", value: sub },
      { field: "clientId", value: azp },
    ],
  });
  if (!consent || Math.floor(new Date(consent.createdAt).getTime() / 1000) > iat) return false;
  return (scope ?? "").split(" ").filter(Boolean).every((s) => consent.scopes.includes(s));
}
