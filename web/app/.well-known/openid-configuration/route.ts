import { webUrl } from "@/lib/config";

export const dynamic = "force-dynamic";

/** Minimal discovery for verifiers that want one: the issuer and where its keys are. */
export function GET() {
  const issuer = webUrl();
  return Response.json({ issuer, jwks_uri: `${issuer}/api/auth/jwks`, id_token_signing_alg_values_supported: ["ES256"] });
}
