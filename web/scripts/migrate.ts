// Creates or updates Better Auth's tables (user, session, account, verification, jwks). Run: npm run migrate
import { getMigrations } from "better-auth/db/migration";
import { getAuth } from "../lib/auth";

const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(getAuth().options);
if (toBeCreated.length === 0 && toBeAdded.length === 0) {
  console.log("Auth database is up to date.");
} else {
  console.log(`Migrating the auth database: creating ${toBeCreated.map((t) => t.table).join(", ") || "no tables"}, updating ${toBeAdded.map((t) => t.table).join(", ") || "no tables"}.`);
  await runMigrations();
  console.log("Done.");
}
process.exit(0);
