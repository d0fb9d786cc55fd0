import { tokenStands } from "@/lib/oauth-tokens";

export const dynamic = "force-dynamic";

/**
 * Whether an MCP client's access token still stands, for the MCP server to ask on every call (RFC 7662's request and
 * answer shape). The token is its own credential: no client secret, and nothing said about a token one does not hold.
 */
export async function POST(request: Request) {
  const form = await request.formData().catch(() => undefined);
  const token = form?.get("token");
  if (typeof token !== "string" || !token) {
    return Response.json({ error: "invalid_request", error_description: "The form field 'token' is required." }, { status: 400, headers: { "cache-control": "no-store" } });
  }
  return Response.json({ active: await tokenStands(token) }, { headers: { "cache-control": "no-store" } });
}
