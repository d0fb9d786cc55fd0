import { oauthProviderAuthServerMetadata } from "@better-auth/oauth-provider";
import { getAuth } from "@/lib/auth";
import { preflight, withPublicCors } from "@/lib/oauth-cors";

export const dynamic = "force-dynamic";

/** RFC 8414 metadata, at the root because the issuer is the site's origin (Better Auth serves it under /api/auth). */
export const GET = async (request: Request) => withPublicCors(request, await oauthProviderAuthServerMetadata(getAuth())(request));
export const OPTIONS = preflight;
