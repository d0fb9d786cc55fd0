import { getAuth } from "./auth";
import { displayName } from "./client-name";

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

export async function adapter() {
  return (await getAuth().$context).adapter;
}

/** The apps a user allowed: one entry a client, whatever number of redirect URIs it was allowed for. */
export async function listConnectedApps(userId: string): Promise<ConnectedApp[]> {
  const db = await adapter();
  const consents = await db.findMany<Consent>({ model: "oauthConsent", where: [{ field: "userId", value: userId }] });
  const byClient = new Map<string, Consent[]>();
  for (const consent of consents) byClient.set(consent.clientId, [...(byClient.get(consent.clientId) ?? []), consent]);
  const apps = await Promise.all(
    [...byClient].map(async ([clientId, ofClient]) => {
      const [client, tokens] = await Promise.all([
        db.findOne<Client>({ model: "oauthClient", where: [{ field: "clientId", value: clientId }] }),
        db.findMany<RefreshToken>({
          model: "oauthRefreshToken",
          where: [
            { field: "userId", value: userId },
            { field: "clientId", value: clientId },
          ],
        }),
      ]);
      const times = (dates: Date[]) => dates.map((d) => new Date(d).getTime());
      const first = ofClient.reduce((a, b) => (new Date(a.createdAt) <= new Date(b.createdAt) ? a : b));
      return {
        consentId: first.id,
        clientId,
        name: displayName(client?.name),
        scopes: [...new Set(ofClient.flatMap((c) => c.scopes))],
        connectedAt: new Date(first.createdAt),
        lastUsedAt: new Date(Math.max(...times(tokens.map((t) => t.createdAt)), ...times(ofClient.map((c) => c.updatedAt)))),
      };
    }),
  );
  return apps.sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
}

/**
 * Disconnects an app: its consents go (one for each redirect URI it was allowed for), so its next sign-in asks again,
 * and every refresh token it holds for this user is revoked at once. Its access tokens stop at their next call: the MCP server asks `tokenStands` (oauth-tokens.ts) about
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
  await db.deleteMany({
    model: "oauthConsent",
    where: [
      { field: "userId", value: userId },
      { field: "clientId", value: consent.clientId },
    ],
  });
  return true;
}
