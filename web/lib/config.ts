/** Server-side settings, read at request time so one build serves any deployment. */
export function webUrl(): string {
  return (process.env.BETTER_AUTH_URL ?? "http://localhost:3000").replace(/\/$/, "");
}

/** The api's public URL, as the browser reaches it. */
export function apiUrl(): string {
  return (process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:8000").replace(/\/$/, "");
}

/** The audience of the tokens the web tier issues for the api. */
export function apiAudience(): string {
  return process.env.BETTER_AUTH_AUDIENCE ?? apiUrl();
}

/** The MCP server's resource URL (RFC 8707): the audience of the tokens MCP clients get here. */
export function mcpResourceUrl(): string {
  return process.env.MCP_SERVER_URL ?? "http://localhost:8001/mcp";
}

/** How long an MCP client's access token lives: also how long a revoked client keeps working at most. */
export const mcpAccessTokenSeconds = 5 * 60;
