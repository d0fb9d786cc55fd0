// Starts the real tiers for the browser tests: mcp and api (the Release builds) and web (the standalone server the
// Docker image runs, from `npm run build:image`), each on a free port on 127.0.0.1, on throwaway SQLite files, with no
// model configured. Stops them all afterwards.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tests/free-port.mjs";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(web, "..");


/** The Release build of a .NET project under src/ (or tests/). */
export const dll = (project, folder = "src") => path.join(root, folder, project, "bin", "Release", "net10.0", `${project}.dll`);
export const projectDir = (project) => path.join(root, "src", project);
export const standalone = path.join(web, ".next", "standalone");

export function run(name, command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split("\n")) if (line) log.push(`[${name}] ${line}`);
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { name, child, log };
}

export function exited(proc) {
  return new Promise((resolve) => {
    // Killed by a signal, a process has no exit code but a signal code; one that could not start only an error.
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve(proc.child.exitCode);
    else {
      proc.child.once("exit", resolve);
      proc.child.once("error", (error) => {
        proc.log.push(`[${proc.name}] ${error.message}`);
        resolve(-1);
      });
    }
  });
}

export async function once(name, command, args, options) {
  const proc = run(name, command, args, options);
  const code = await exited(proc);
  if (code !== 0) throw new Error(`${name} failed (${code}):\n${proc.log.join("\n")}`);
}

export async function waitFor(proc, url, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited during start-up:\n${proc.log.join("\n")}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} was not ready at ${url} within ${seconds} s:\n${proc.log.join("\n")}`);
}

/** Starts every tier; `env` is added to each one's environment (the OTEL_* variables, say). */
export async function startStack({ env = {} } = {}) {
  const [mcpPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), "mcpstack-e2e-"));
  const mcpUrl = `http://127.0.0.1:${mcpPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const dotnetEnv = {
    ...process.env,
    ASPNETCORE_ENVIRONMENT: "Development",
    DATABASE_URL: `sqlite:///${dataDir}/mcpstack.db`,
    Logging__LogLevel__Default: "Warning",
    OPENAI_API_KEY: "",
    OPENAI_BASE_URL: "",
    // The api's delegation key, fixed for the stack's life (as every deployment sets it): an api restarted by a test
    // signs as before, and the MCP server still takes its tokens.
    Delegation__SigningKeyPem: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }),
    ...env,
  };
  const webEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_PUBLIC_API_URL: apiUrl,
    BETTER_AUTH_URL: webUrl,
    BETTER_AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
    AUTH_DATABASE_URL: `file:${dataDir}/auth.db`,
    AUTH_RATE_LIMIT: "off",
    MCP_SERVER_URL: `${mcpUrl}/mcp`,
    ...env,
  };

  await once("migrate", "dotnet", [dll("McpStack.Mcp"), "migrate"], { cwd: path.join(root, "src", "McpStack.Mcp"), env: dotnetEnv });
  if (!existsSync(path.join(standalone, "server.js"))) {
    throw new Error(`${standalone}/server.js is missing: build the web tier as its image runs it first (cd web && npm run build:image; ./run.sh's next build replaces it).`);
  }
  await once("auth-migrate", process.execPath, ["migrate.mjs"], { cwd: standalone, env: webEnv });

  const processes = [];
  const specs = {}; // name → how to start it again, and where it says it is ready
  const launch = (name) => {
    const { command, args, options } = specs[name];
    const proc = run(name, command, args, options);
    const index = processes.findIndex((p) => p.name === name);
    if (index >= 0) processes[index] = proc;
    else processes.push(proc);
    return proc;
  };
  const stop = async () => {
    for (const p of processes) p.child.kill("SIGTERM");
    await Promise.all(processes.map(exited));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // As ./run.sh starts it: the api's delegation tokens, and MCP clients signed in by the web tier.
    specs.mcp = {
      command: "dotnet",
      args: [dll("McpStack.Mcp"), "--urls", mcpUrl, `--Mcp:ResourceUrl=${mcpUrl}/mcp`,
        `--Auth:Issuers:0:Issuer=${apiUrl}`, `--Auth:Issuers:0:JwksUrl=${apiUrl}/.well-known/jwks.json`,
        `--Auth:Issuers:1:Issuer=${webUrl}`, `--Auth:Issuers:1:JwksUrl=${webUrl}/api/auth/jwks`, "--Auth:Issuers:1:UserNamespace=",
        "--Auth:Issuers:1:AuthorizationServer=true", "--Auth:Issuers:1:MaxTokenLifetime=00:05:00",
        `--Auth:Issuers:1:TokenStatusUrl=${webUrl}/api/oauth/token-status`],
      options: { cwd: path.join(root, "src", "McpStack.Mcp"), env: dotnetEnv },
      ready: `${mcpUrl}/health`,
    };
    specs.api = {
      command: "dotnet",
      args: [dll("McpStack.Api"), "--urls", apiUrl],
      options: {
        cwd: path.join(root, "src", "McpStack.Api"),
        env: { ...dotnetEnv, MCP_SERVER_URL: `${mcpUrl}/mcp`, API_URL: apiUrl, BETTER_AUTH_URL: webUrl, BETTER_AUTH_AUDIENCE: apiUrl, FRONTEND_URL: webUrl },
      },
      ready: `${apiUrl}/health/ready`,
    };
    specs.web = { command: process.execPath, args: ["server.js"], options: { cwd: standalone, env: { ...webEnv, HOSTNAME: "127.0.0.1", PORT: String(webPort) } }, ready: `${webUrl}/sign-in` };
    const mcp = launch("mcp");
    const api = launch("api");
    const next = launch("web");
    await waitFor(mcp, `${mcpUrl}/health`);
    await waitFor(next, `${webUrl}/sign-in`);
    await waitFor(api, `${apiUrl}/health/ready`);
  } catch (error) {
    await stop();
    throw error;
  }
  /** Kills a tier at once (SIGKILL: a crashed process or a lost machine, nothing finished or stored). */
  const kill = async (name) => {
    const proc = processes.find((p) => p.name === name);
    proc.child.kill("SIGKILL");
    await exited(proc);
  };
  /** Starts a killed tier again, on the same address, and waits until it is ready. */
  const restart = async (name) => waitFor(launch(name), specs[name].ready);
  return { webUrl, apiUrl, mcpUrl, authDatabase: path.join(dataDir, "auth.db"), logs: () => processes.flatMap((p) => p.log), kill, restart, stop };
}

/**
 * A user signed up through Better Auth's endpoint (no browser): their password, session cookie and api token.
 * The Origin header is what a browser would send; Better Auth refuses cookie-setting calls without it.
 */
export async function signUpByApi(stack, name) {
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const signUp = await fetch(`${stack.webUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.webUrl },
    body: JSON.stringify({ email: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`, password, name }),
  });
  if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
  const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { token } = await (await fetch(`${stack.webUrl}/api/auth/token`, { headers: { cookie } })).json();
  if (!token) throw new Error("no api token for the new session");
  return { password, cookie, token };
}
