import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { nextCookies } from "better-auth/next-js";
import { authDatabase } from "./db";
import { apiAudience, webUrl } from "./config";
import { sessionSecret } from "./secret";

function createAuth() {
  const baseURL = webUrl();
  return betterAuth({
    appName: "McpStack",
    baseURL,
    secret: sessionSecret({ baseURL }),
    database: authDatabase(),
    trustedOrigins: [baseURL],
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    // Tests sign up many users from one address; production keeps Better Auth's limits.
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
      nextCookies(),
    ],
  });
}

let instance: ReturnType<typeof createAuth> | undefined;

/** The Better Auth instance, created on first use. */
export function getAuth() {
  return (instance ??= createAuth());
}
