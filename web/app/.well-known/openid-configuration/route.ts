import { oauthProviderOpenIdConfigMetadata } from "@better-auth/oauth-provider";
import { getAuth } from "@/lib/auth";
import { preflight, withPublicCors } from "@/lib/oauth-cors";

export const dynamic = "force-dynamic";

/** OpenID discovery: the issuer, where its keys are, and its OAuth endpoints. */
export const GET = async (request: Request) => withPublicCors(request, await oauthProviderOpenIdConfigMetadata(getAuth())(request));
export const OPTIONS = preflight;
