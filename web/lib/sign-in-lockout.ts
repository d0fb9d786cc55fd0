import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";

/** Failed sign-ins one account takes before it is refused for the rest of the window, from any address. */
export const signInFailureLimit = 10;
/** The window the failures are counted in: the account opens again once its oldest failure is this old. */
export const signInFailureWindowMs = 15 * 60 * 1000;

const path = "/sign-in/email";
const accountOf = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : undefined;
};

/**
 * A per-account limit on failed sign-ins, beside Better Auth's per-address one: no change of address (a botnet, a
 * forged header) gets more than {@link signInFailureLimit} guesses at one password per window. Failures are rows in the
 * auth database, so every web replica counts the same ones. While the limit holds, the right password is refused too
 * (else the limit would only slow a guesser down); a success clears the account's failures.
 */
export function signInLockout(now: () => number = Date.now) {
  return {
    id: "sign-in-lockout",
    schema: {
      signInFailure: {
        fields: {
          email: { type: "string", required: true, index: true },
          createdAt: { type: "date", required: true },
        },
      },
    },
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === path,
          handler: createAuthMiddleware(async (ctx) => {
            const email = accountOf(ctx.body);
            if (!email) return;
            const failures = await ctx.context.adapter.findMany<{ createdAt: Date }>({
              model: "signInFailure",
              where: [
                { field: "email", value: email },
                { field: "createdAt", operator: "gt", value: new Date(now() - signInFailureWindowMs) },
              ],
              sortBy: { field: "createdAt", direction: "asc" },
              limit: signInFailureLimit,
            });
            if (failures.length < signInFailureLimit) return;
            const retryAfter = Math.max(1, Math.ceil((new Date(failures[0]!.createdAt).getTime() + signInFailureWindowMs - now()) / 1000));
            throw new APIError(
              "TOO_MANY_REQUESTS",
              { message: `Too many failed sign-ins for this account. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, code: "ACCOUNT_LOCKED" },
              { "Retry-After": String(retryAfter) },
            );
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === path,
          handler: createAuthMiddleware(async (ctx) => {
            const email = accountOf(ctx.body);
            if (!email) return;
            const returned = ctx.context.returned;
            if (isAPIError(returned) && returned.statusCode === 401) {
              await ctx.context.adapter.create({ model: "signInFailure", data: { email, createdAt: new Date(now()) } });
              // Old failures count for nothing: they go with the next failure of any account.
              await ctx.context.adapter.deleteMany({
                model: "signInFailure",
                where: [{ field: "createdAt", operator: "lt", value: new Date(now() - signInFailureWindowMs) }],
              });
            } else if (!isAPIError(returned)) {
              await ctx.context.adapter.deleteMany({ model: "signInFailure", where: [{ field: "email", value: email }] });
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
