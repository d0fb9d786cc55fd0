// The .NET images' build step (`dotnet publish`, as in mcp.Dockerfile and api.Dockerfile), and what the images then
// run: `migrate`, the service, and the `healthcheck` command their HEALTHCHECK uses. (The web image's build step,
// `npm run build:image`, and its server and migration are what the browser tests run.)
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startIssuer } from "./issuer.mjs";
import { freePort } from "../../tests/free-port.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// The bad-input checks use the sample's task endpoints and tools, which a solution made with --domain empty has not.
const sample = existsSync(path.join(root, "src", "McpStack.Api", "Tasks"));
const work = mkdtempSync(path.join(tmpdir(), "mcpstack-publish-"));
const issuer = await startIssuer();
after(async () => {
  rmSync(work, { recursive: true, force: true });
  await issuer.close();
});


for (const project of ["McpStack.Mcp", "McpStack.Api"]) {
  test(`${project}: publishes, migrates, serves, answers its health check and bad input with 400, and leaves gracefully on SIGTERM`, { timeout: 240_000 }, async () => {
    const out = path.join(work, project);
    // The Dockerfile's own `RUN dotnet publish …` line, with its output folder here.
    const dockerfile = readFileSync(path.join(root, "deploy", project === "McpStack.Mcp" ? "mcp.Dockerfile" : "api.Dockerfile"), "utf8");
    const [, ...publishArgs] = dockerfile.match(/^RUN (dotnet publish .*)$/m)[1].split(/\s+/);
    publishArgs[publishArgs.indexOf("-o") + 1] = out;
    const publish = spawnSync("dotnet", [...publishArgs, "--nologo", "-v", "quiet"], { cwd: root, encoding: "utf8" });
    assert.equal(publish.status, 0, publish.stdout + publish.stderr);

    const env = { ...process.env, DATABASE_URL: `sqlite:///${work}/${project}.db`, ASPNETCORE_ENVIRONMENT: "Production", Logging__LogLevel__Default: "Warning" };
    const migrate = spawnSync("dotnet", [`${project}.dll`, "migrate"], { cwd: out, env, encoding: "utf8" });
    assert.equal(migrate.status, 0, migrate.stdout + migrate.stderr);

    const port = await freePort();
    const audience = project === "McpStack.Mcp" ? `http://127.0.0.1:${port}/mcp` : `http://127.0.0.1:${port}`;
    const serviceEnv = {
      ...env,
      ASPNETCORE_URLS: `http://127.0.0.1:${port}`,
      Auth__Issuers__0__Issuer: issuer.issuer,
      Auth__Issuers__0__JwksUrl: issuer.jwksUrl,
      Auth__Audience: audience,
      Auth__RequireHttpsMetadata: "false",
      Shutdown__ReadinessDelay: "00:00:03",
      ...(project === "McpStack.Mcp" ? { Mcp__ResourceUrl: audience } : {}),
    };
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
      if (sample) await (project === "McpStack.Api" ? checkApiBadInput : checkMcpBadInput)(`http://127.0.0.1:${port}`, issuer.token("published-user", audience));
      assert.doesNotMatch(log, /\bat \S+\(|Unhandled exception/, "no stack trace in the service's log");

      // SIGTERM, as Kubernetes and compose stop it: out of rotation at once, still serving for the readiness delay, then gone, exit 0.
      const exited = new Promise((resolve) => service.once("exit", (code) => resolve(code)));
      service.kill("SIGTERM");
      const status = async (p) => (await fetch(`http://127.0.0.1:${port}${p}`)).status;
      // The signal arrives a moment after kill() returns: readiness turns red within it, well inside the 3 s delay.
      let ready = await status("/health/ready");
      for (let i = 0; i < 20 && ready !== 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await status("/health/ready");
      }
      assert.equal(ready, 503, `readiness red after SIGTERM:\n${log}`);
      assert.equal(await status("/health"), 200, "still serving during the readiness delay");
      assert.equal(await exited, 0, `exit code after SIGTERM:\n${log}`);
    } finally {
      service.kill("SIGTERM");
      await new Promise((resolve) => (service.exitCode !== null ? resolve() : service.once("exit", resolve)));
    }
    assert.notEqual(spawnSync("dotnet", [`${project}.dll`, "healthcheck"], { cwd: out, env: serviceEnv }).status, 0, "healthcheck must fail once the service is down");
  });
}

// Bad input against the published api as the Dockerfile runs it (Production): 400 problems naming the field.
async function checkApiBadInput(base, token) {
  const send = (method, path, body, type = "application/json") =>
    fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
  const created = await send("POST", "/api/tasks", JSON.stringify({ title: "published" }));
  assert.equal(created.status, 201, await created.text());
  for (const [method, path, body, field] of [
    ["POST", "/api/tasks", '{"title":5}', "title"],
    ["POST", "/api/tasks", '{"title":"x"', "body"],
    ["POST", "/api/tasks", "not json", "body"],
    ["POST", "/api/tasks", '{"title":"ok","priority":7}', "priority"],
    ["GET", "/api/tasks?limit=abc", undefined, "limit"],
  ]) {
    const response = await send(method, path, body);
    const text = await response.text();
    assert.equal(response.status, 400, `${method} ${path} ${body}: ${text}`);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.ok(JSON.parse(text).errors[field], `${body}: names ${field}: ${text}`);
    assert.doesNotMatch(text, /Exception|   at /);
  }
}

// Bad input against the published MCP server: a 400 for a body that is no JSON-RPC, an isError result naming the argument.
async function checkMcpBadInput(base, token) {
  const post = (body) =>
    fetch(`${base}/mcp`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" }, body });
  const broken = await post("not json");
  assert.equal(broken.status, 400, await broken.text());
  const call = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "add_task", arguments: { title: "ok", priority: 7 } } }));
  const text = await call.text();
  assert.equal(call.status, 200, text);
  const message = JSON.parse(text.startsWith("{") ? text : text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join(""));
  assert.equal(message.result.isError, true, text);
  assert.match(message.result.content[0].text, /priority/);
}
