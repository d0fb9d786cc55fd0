import path from "node:path";
import { mkdirSync } from "node:fs";
import { LibsqlDialect } from "@libsql/kysely-libsql";
import { Pool } from "pg";

/**
 * Better Auth's storage: PostgreSQL (pg) when AUTH_DATABASE_URL or DATABASE_URL is a postgres URL, else a SQLite
 * file through libsql (a prebuilt binary from npm, no native compile). Called lazily: `next build` imports the auth
 * module and must not open a database.
 */
export function authDatabase() {
  const url = process.env.AUTH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return new Pool({ connectionString: url });
  }
  const file = sqlitePath(process.env.AUTH_DATABASE_URL) ?? path.resolve(process.cwd(), "..", "data", "auth.db");
  mkdirSync(path.dirname(file), { recursive: true });
  return { dialect: new LibsqlDialect({ url: `file:${file}` }), type: "sqlite" as const };
}

/** sqlite:///relative.db, sqlite:////absolute.db or file:path, as a file path. */
export function sqlitePath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith("sqlite:///")) return path.resolve(url.slice("sqlite:///".length));
  if (url.startsWith("file:")) return path.resolve(url.slice("file:".length));
  return undefined;
}
