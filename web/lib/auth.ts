import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { oauthProvider } from "@better-auth/oauth-provider";
import { nextCookies } from "better-auth/next-js";
import { authDatabase } from "./db";
import { apiAudience, mcpAccessTokenSeconds, mcpResourceUrl, webUrl } from "./config";
import { sessionSecret } from "./secret";
import { consentReferenceForRequest, oauthPolicy } from "./oauth-policy";
import { hashToken } from "./oauth-tokens";
import { signInLockout } from "./sign-in-lockout";

/** What MCP clients may ask for: the MCP server's scopes, and offline_access for a refresh token. */
export const mcpScopes = ["tasks:read", "tasks:write"] as const;
const oauthScopes = ["openid", "profile", "email", "offline_access", ...mcpScopes] as const;

function createAuth() {
  const baseURL = webUrl();
  return betterAuth({
    appName: "McpStack",
    baseURL,
    secret: sessionSecret({ baseURL }),
    database: authDatabase(),
    trustedOrigins: [baseURL],
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    // Per client address: instrumentation.ts makes X-Forwarded-For the real one (TRUSTED_PROXIES). Tests sign up many
    // users from one address; production keeps Better Auth's limits.
    rateLimit: { enabled: process.env.AUTH_RATE_LIMIT !== "off" },
    plugins: [
      jwt({
        // ES256: verified by .NET's Microsoft.IdentityModel natively (Better Auth's default, EdDSA, needs the api's
        // NSec provider). Changing it later needs the stored `jwks` rows deleted so a key of the new kind is made.
        jwks: { keyPairConfig: { alg: "ES256" } },
        jwt: {
          issuer: baseURL,
          audience: apiAudience(),
          expirationTime: "15m",
          // Only what the api needs: by default the whole user row would go into the token.
          definePayload: ({ user }) => ({ email: user.email, name: user.name }),
        },
      }),
      // The authorization server for MCP clients (MCP authorization spec): RFC 8414 metadata, dynamic client
      // registration (RFC 7591), authorization code with PKCE S256, refresh tokens with rotation, revocation. Access
      // tokens are JWTs for the one resource, the MCP server (RFC 8707), signed with the JWKS above.
      oauthProvider({
        loginPage: "/sign-in",
        consentPage: "/consent",
        scopes: [...oauthScopes],
        resources: [{ identifier: mcpResourceUrl(), accessTokenTtl: mcpAccessTokenSeconds, allowedScopes: ["offline_access", ...mcpScopes] }],
        clientRegistrationDefaultResources: [mcpResourceUrl()],
        // MCP clients register themselves, without an account (the user signs in and consents afterwards).
        allowDynamicClientRegistration: true,
        allowUnauthenticatedClientRegistration: true,
        // No client_credentials: its tokens carry the client as `sub`, which the MCP server would take for a user.
        grantTypes: ["authorization_code", "refresh_token"],
        accessTokenExpiresIn: mcpAccessTokenSeconds,
        // Better Auth's default, stated: the token-status check finds refresh tokens by it (oauth-tokens.ts).
        storeTokens: { hash: hashToken },
        // A consent holds for the exact redirect URI it was given for (oauth-policy.ts); postLogin is Better Auth's
        // place for the consent's key, and McpStack has no page between sign-in and consent.
        postLogin: { page: "/consent", shouldRedirect: () => false, consentReferenceId: consentReferenceForRequest },
      }),
      oauthPolicy(),
      signInLockout(),
      nextCookies(),
    ],
  });
}

let instance: ReturnType<typeof createAuth> | undefined;

/** The Better Auth instance, created on first use. */
export function getAuth() {
  return (instance ??= createAuth());
}
