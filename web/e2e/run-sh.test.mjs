// ./run.sh as a user runs it: start it, wait for the URLs it prints, sign up, sign out, sign in through the sign-in
// form, send the api a typo with the token the web tier issues (a 400 problem, not the 500 it used to be), then
// Ctrl+C (SIGINT to its process group) and check that no process of it is left. Free ports and throwaway databases,
// so a developer's own ./data is not touched.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchBrowser, snapshot, step } from "./browser.mjs";
import { freePort } from "../../tests/free-port.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");


/** The processes still in a process group. */
function groupMembers(pgid) {
  try {
    return execFileSync("pgrep", ["-g", String(pgid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

test("./run.sh starts every tier, serves sign-up and sign-in, answers bad input with 400, and stops cleanly on Ctrl+C", { timeout: 420_000 }, async () => {
  const [mcpPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const data = mkdtempSync(path.join(tmpdir(), "mcpstack-run-sh-"));
  const env = {
    ...process.env,
    MCP_PORT: String(mcpPort),
    API_PORT: String(apiPort),
    WEB_PORT: String(webPort),
    DATABASE_URL: `sqlite:///${data}/mcpstack.db`,
    AUTH_DATABASE_URL: `file:${data}/auth.db`,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    AUTH_RATE_LIMIT: "off",
    OPENAI_API_KEY: "",
    OPENAI_BASE_URL: "",
  };
  // detached: its own process group, as a terminal gives it, so SIGINT reaches it the way Ctrl+C does.
  const run = spawn("bash", ["run.sh"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  run.stdout.on("data", (d) => (output += d));
  run.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => run.once("exit", (code, signal) => resolve({ code, signal })));
  const browser = await launchBrowser();
  try {
    const deadline = Date.now() + 360_000;
    while (!output.includes("McpStack is running")) {
      assert.equal(run.exitCode, null, `run.sh exited early:\n${output}`);
      assert.ok(Date.now() < deadline, `run.sh did not get ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const webUrl = `http://localhost:${webPort}`;
    assert.match(output, new RegExp(`Web: +${webUrl}`));
    assert.match(output, new RegExp(`API: +http://localhost:${apiPort}`));
    assert.match(output, new RegExp(`MCP endpoint: +http://localhost:${mcpPort}/mcp`));
    assert.match(output, /\[mcp\] /, "the tiers' logs are prefixed");

    const page = await (await browser.newContext()).newPage();
    const email = `run-sh-${Date.now()}@example.test`;
    await step(page, "run-sh-sign-up", async () => {
      await page.goto(`${webUrl}/sign-up`);
      await page.getByLabel("Name").fill("Runner");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("correct horse battery");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL("**/tasks");
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/sign-in");
    });
    await step(page, "run-sh-sign-in", async () => {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("wrong password here");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      await page.getByLabel("Password").fill("correct horse battery");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL("**/tasks");
      await page.getByText("No tasks yet").waitFor();
    });
    console.log(`Screenshot: ${await snapshot(page, "run-sh-tasks")}`);

    const { token } = await (await page.request.get(`${webUrl}/api/auth/token`)).json();
    const typo = await fetch(`http://localhost:${apiPort}/api/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: '{"title":5}',
    });
    const problem = await typo.text();
    assert.equal(typo.status, 400, problem);
    assert.ok(JSON.parse(problem).errors.title, problem);
  } finally {
    await browser.close();
    if (run.exitCode === null) process.kill(-run.pid, "SIGINT");
    const { code, signal } = await exited;
    console.log(`run.sh ended (${code ?? signal}); last lines:\n${output.split("\n").slice(-6).join("\n")}`);
    let left = groupMembers(run.pid);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      left = groupMembers(run.pid);
    }
    if (left.length > 0) process.kill(-run.pid, "SIGKILL");
    rmSync(data, { recursive: true, force: true });
    assert.deepEqual(left, [], `processes of run.sh left after Ctrl+C: ${left.join(" ")}`);
    assert.match(output, /==> Stopping/);
  }
});
