// A throwaway PostgreSQL server for the node tests, as the .NET tests' PostgresServer starts one: the image's server
// binaries (or $PG_BIN), a temporary data folder, 127.0.0.1 on a free port, run as the postgres user when root.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.mjs";

const run = promisify(execFile);

function binDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))) : [];
  if (versions.length === 0) throw new Error("PostgreSQL server binaries were not found (/usr/lib/postgresql/*/bin or $PG_BIN): apt-get install postgresql");
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/** Starts a server; `url(database)` is a DATABASE_URL for one of its databases, made with `createDatabase`. */
export async function startPostgres() {
  const bin = binDir();
  const root = mkdtempSync(path.join(tmpdir(), "mcpstack-pg-"));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    chmodSync(root, 0o755);
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(root, Number(stdout), Number(gid));
  }
  const tool = (name, args) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, name), ...args]) : run(path.join(bin, name), args));
  const data = path.join(root, "data");
  const port = await freePort();
  await tool("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  await tool("pg_ctl", ["-D", data, "-o", options, "-l", path.join(root, "server.log"), "-w", "-t", "60", "start"]);
  return {
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (database) => tool("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database]),
    stop: async () => {
      await tool("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}
