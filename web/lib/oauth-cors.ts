/**
 * CORS for the endpoints a browser-based MCP client (the MCP Inspector's page, a web IDE) calls itself: discovery,
 * keys, registration, token and revocation. They take no cookies (a public client proves itself with the code and its
 * PKCE verifier), so any origin may call them, without credentials. Everything else under /api/auth stays same-origin.
 */
const publicPaths = new Set([
  "/.well-known/oauth-authorization-server",
  "/.well-known/openid-configuration",
  "/api/auth/jwks",
  "/api/auth/oauth2/register",
  "/api/auth/oauth2/token",
  "/api/auth/oauth2/revoke",
]);

const corsHeaders = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
  "access-control-max-age": "600",
};

export const isPublicOAuthPath = (request: Request) => publicPaths.has(new URL(request.url).pathname);

/** The response, with CORS headers when the request was for one of the public endpoints. */
export function withPublicCors(request: Request, response: Response): Response {
  if (!isPublicOAuthPath(request)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(corsHeaders)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A preflight: allowed for the public endpoints, refused (no CORS headers) for the rest. */
export const preflight = (request: Request) =>
  new Response(null, { status: isPublicOAuthPath(request) ? 204 : 405, headers: isPublicOAuthPath(request) ? corsHeaders : {} });
