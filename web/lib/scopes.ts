/** What each OAuth scope lets an MCP client do, in the words the consent and connected-apps pages use. */
const scopeWording: Record<string, string> = {
  openid: "Know which McpStack account you are",
  profile: "See your name",
  email: "See your email address",
  offline_access: "Stay connected without asking you again until you disconnect it",
  "tasks:read": "Read your tasks",
  "tasks:write": "Add, change, complete and delete your tasks",
};

export function describeScope(scope: string): string {
  return scopeWording[scope] ?? `Unknown permission "${scope}"`;
}

/** The scopes of a space-separated list, deduplicated, in the order the wording above lists them. */
export function parseScopes(scope: string | null | undefined): string[] {
  const requested = new Set((scope ?? "").split(" ").filter(Boolean));
  const known = Object.keys(scopeWording).filter((s) => requested.has(s));
  return [...known, ...[...requested].filter((s) => !(s in scopeWording))];
}

/**
 * Where an authorization sends the user back, as the consent page names it: host and port, the port always written
 * (a loopback redirect without one is port 80, not "any port"), or the scheme of an app's own URL.
 */
export function redirectHost(redirectUri: string | null): string | undefined {
  if (!redirectUri) return undefined;
  try {
    const url = new URL(redirectUri);
    if (url.protocol !== "http:" && url.protocol !== "https:") return `${url.protocol}//`;
    return `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  } catch {
    return undefined;
  }
}

const letters = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/**
 * Whether a client's name claims to be McpStack itself, which a self-registered client never is: compared on letters
 * and digits alone, so spacing, punctuation and full-width forms do not hide it.
 */
export function namesTheProduct(name: string): boolean {
  return letters(name).includes(letters("McpStack"));
}
