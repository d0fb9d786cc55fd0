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

/** The host an authorization sends the user back to, as the consent page names it. */
export function redirectHost(redirectUri: string | null): string | undefined {
  if (!redirectUri) return undefined;
  try {
    const url = new URL(redirectUri);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host : `${url.protocol}//`;
  } catch {
    return undefined;
  }
}
