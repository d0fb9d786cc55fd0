// The .NET images' build step (`dotnet publish`, as in mcp.Dockerfile and api.Dockerfile), and what the images then
// run: `migrate`, the service, and the `healthcheck` command their HEALTHCHECK uses. (The web image's build step,
// `npm run build:image`, and its server and migration are what the browser tests run.)
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "mcpstack-publish-"));
after(() => rmSync(work, { recursive: true, force: true }));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

for (const project of ["McpStack.Mcp", "McpStack.Api"]) {
  test(`${project}: publishes, migrates, serves and answers its health check`, { timeout: 240_000 }, async () => {
    const out = path.join(work, project);
    const publish = spawnSync("dotnet", ["publish", `src/${project}`, "-c", "Release", "-o", out, "--nologo", "-v", "quiet"], { cwd: root, encoding: "utf8" });
    assert.equal(publish.status, 0, publish.stdout + publish.stderr);

    const env = { ...process.env, DATABASE_URL: `sqlite:///${work}/${project}.db`, ASPNETCORE_ENVIRONMENT: "Production", Logging__LogLevel__Default: "Warning" };
    const migrate = spawnSync("dotnet", [`${project}.dll`, "migrate"], { cwd: out, env, encoding: "utf8" });
    assert.equal(migrate.status, 0, migrate.stdout + migrate.stderr);

    const port = await freePort();
    const serviceEnv = { ...env, ASPNETCORE_URLS: `http://127.0.0.1:${port}` };
    // Production needs the api's delegation key; a throwaway one here.
    if (project === "McpStack.Api") {
      const key = spawnSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"], { encoding: "utf8" });
      serviceEnv.Delegation__SigningKeyPem = key.stdout;
    }
    const service = spawn("dotnet", [`${project}.dll`], { cwd: out, env: serviceEnv, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    service.stdout.on("data", (d) => (log += d));
    service.stderr.on("data", (d) => (log += d));
    try {
      let healthy = 1;
      for (let i = 0; i < 60 && healthy !== 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        healthy = spawnSync("dotnet", [`${project}.dll`, "healthcheck"], { cwd: out, env: serviceEnv }).status;
      }
      assert.equal(healthy, 0, `healthcheck never passed:\n${log}`);
    } finally {
      service.kill("SIGTERM");
      await new Promise((resolve) => (service.exitCode !== null ? resolve() : service.once("exit", resolve)));
    }
    assert.notEqual(spawnSync("dotnet", [`${project}.dll`, "healthcheck"], { cwd: out, env: serviceEnv }).status, 0, "healthcheck must fail once the service is down");
  });
}
