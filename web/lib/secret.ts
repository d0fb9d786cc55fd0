import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The development secret earlier versions used when none was set; it is public, so it may sign nothing reachable. */
export const PUBLISHED_DEVELOPMENT_SECRET = "mcpstack-development-secret-do-not-use-in-production";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

interface SecretOptions {
  /** The site's URL (Better Auth's baseURL). */
  baseURL: string;
  env?: Record<string, string | undefined>;
  /** Where a development secret is kept: the repository's data folder, which run.sh uses too. */
  file?: string;
}

/**
 * The secret that signs session cookies. BETTER_AUTH_SECRET when set (required in production); otherwise, outside
 * production, one generated for this checkout and kept in data/.better-auth-secret, so sessions survive restarts and
 * no two checkouts share a secret. The old published development secret is refused unless the site is on loopback.
 */
export function sessionSecret({ baseURL, env = process.env, file = path.resolve(process.cwd(), "..", "data", ".better-auth-secret") }: SecretOptions): string {
  const given = env.BETTER_AUTH_SECRET?.trim();
  if (given) {
    if (given === PUBLISHED_DEVELOPMENT_SECRET && !LOOPBACK.has(new URL(baseURL).hostname)) {
      throw new Error(`BETTER_AUTH_SECRET is the published development secret, and ${baseURL} is not a loopback address: set a random one (openssl rand -base64 32).`);
    }
    return given;
  }
  if (env.NEXT_PHASE === "phase-production-build") return randomBytes(32).toString("base64"); // the build signs nothing
  if (env.NODE_ENV === "production") {
    throw new Error("BETTER_AUTH_SECRET is required in production: a random string of 32 characters or more (openssl rand -base64 32).");
  }
  try {
    const kept = readFileSync(file, "utf8").trim();
    if (kept) return kept;
  } catch {
    // none yet
  }
  const made = randomBytes(32).toString("base64");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, made + "\n", { mode: 0o600 });
  return made;
}
