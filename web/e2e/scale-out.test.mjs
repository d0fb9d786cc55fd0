// Scale-out, proven: PostgreSQL, two MCP server replicas and two api replicas, each pair behind a real reverse proxy
// (YARP, round-robin, taking a replica out while its /health/ready fails: tests/McpStack.LoadBalancer), and the web
// tier pointed at the api's proxy, as a Kubernetes Service or a load balancer would put them. Through it: a person's
// browser flow and chat turns land on both replicas, a turn's lease holds across replicas, a replica killed mid-turn
// leaves the conversation saying so and usable once its lease expires, and a rolling restart of every replica under
// steady load fails no request and loses or duplicates no task. Loopback only; every process is stopped afterwards.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { freePort } from "../../tests/free-port.mjs";
import { startPostgres } from "../../tests/postgres.mjs";
import { launchBrowser, signUpInBrowser, step } from "./browser.mjs";
import { startFakeOpenAi } from "./fake-openai.mjs";
import { dll, exited, once, projectDir, run, signUpByApi, standalone, waitFor } from "./stack.mjs";

const turnTimeout = 10; // s
const leaseMargin = 2; // s
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let postgres;
let model;
let browser;
let dataDir;
const url = {};
const replicas = {}; // name → how to start it, and its running process
const others = [];

function startReplica(name) {
  const spec = replicas[name];
  spec.proc = run(name, "dotnet", spec.args, spec.options);
  return spec.proc;
}

const logs = () => [...Object.values(replicas).flatMap((r) => r.proc?.log ?? []), ...others.flatMap((p) => p.log)].join("\n");

before(async () => {
  postgres = await startPostgres();
  await postgres.createDatabase("mcpstack");
  model = await startFakeOpenAi();
  dataDir = mkdtempSync(path.join(tmpdir(), "mcpstack-scale-"));
  for (const name of ["mcp-0", "mcp-1", "mcp", "api-0", "api-1", "api", "web"]) url[name] = `http://127.0.0.1:${await freePort()}`;

  // What every replica of a tier shares (docs/deploy.md, "How it scales"): the database and the api's delegation key.
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const dotnetEnv = {
    ...process.env,
    ASPNETCORE_ENVIRONMENT: "Development",
    DATABASE_URL: postgres.url("mcpstack"),
    Logging__LogLevel__Default: "Warning",
    // As the manifests stop a pod: readiness red at once, serving on while the proxy notices, then a drain.
    Shutdown__ReadinessDelay: "00:00:03",
    Shutdown__DrainTime: "00:00:15",
    // The load below measures failures, not limits (the limits across replicas have tests of their own).
    RateLimits__WritesPerMinute: "100000",
    RateLimits__ChatTurnsPerMinute: "10000",
    Mcp__WritesPerMinute: "100000",
    Quotas__MaxTasksPerUser: "100000",
    OPENAI_BASE_URL: model.baseUrl,
    OPENAI_API_KEY: "sk-test",
    OPENAI_MODEL: "fake-model",
    Chat__TurnTimeout: `00:00:${turnTimeout}`,
    Chat__TurnLeaseMargin: `00:00:0${leaseMargin}`,
  };
  const webEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_PUBLIC_API_URL: url.api,
    BETTER_AUTH_URL: url.web,
    BETTER_AUTH_SECRET: "scale-secret-scale-secret-scale-secret-scale",
    AUTH_DATABASE_URL: `file:${dataDir}/auth.db`,
    AUTH_RATE_LIMIT: "off",
    MCP_SERVER_URL: `${url.mcp}/mcp`,
  };
  await once("migrate", "dotnet", [dll("McpStack.Mcp"), "migrate"], { cwd: projectDir("McpStack.Mcp"), env: dotnetEnv });
  await once("auth-migrate", process.execPath, ["migrate.mjs"], { cwd: standalone, env: webEnv });

  for (const i of [0, 1]) {
    // Each MCP replica is the one resource behind the proxy's address, trusting the api's tokens by that address too.
    replicas[`mcp-${i}`] = {
      args: [dll("McpStack.Mcp"), "--urls", url[`mcp-${i}`], `--Mcp:ResourceUrl=${url.mcp}/mcp`,
        `--Auth:Issuers:0:Issuer=${url.api}`, `--Auth:Issuers:0:JwksUrl=${url.api}/.well-known/jwks.json`],
      options: { cwd: projectDir("McpStack.Mcp"), env: dotnetEnv },
      ready: `${url[`mcp-${i}`]}/health/ready`,
    };
    replicas[`api-${i}`] = {
      args: [dll("McpStack.Api"), "--urls", url[`api-${i}`]],
      options: {
        cwd: projectDir("McpStack.Api"),
        env: {
          ...dotnetEnv, MCP_SERVER_URL: `${url.mcp}/mcp`, API_URL: url.api, BETTER_AUTH_URL: url.web, BETTER_AUTH_AUDIENCE: url.api,
          FRONTEND_URL: url.web, Delegation__SigningKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }),
        },
      },
      ready: `${url[`api-${i}`]}/health/ready`,
    };
  }
  try {
    for (const name of Object.keys(replicas)) startReplica(name);
    for (const tier of ["mcp", "api"]) {
      others.push(run(`${tier}-proxy`, "dotnet", [dll("McpStack.LoadBalancer", "tests"), "--urls", url[tier],
        `--Replicas:0=${url[`${tier}-0`]}`, `--Replicas:1=${url[`${tier}-1`]}`], { env: process.env }));
    }
    const web = run("web", process.execPath, ["server.js"], { cwd: standalone, env: { ...webEnv, HOSTNAME: "127.0.0.1", PORT: String(new URL(url.web).port) } });
    others.push(web);
    for (const spec of Object.values(replicas)) await waitFor(spec.proc, spec.ready);
    await waitFor(others[0], `${url.mcp}/health/ready`);
    await waitFor(others[1], `${url.api}/health/ready`);
    await waitFor(web, `${url.web}/sign-in`);
  } catch (error) {
    console.error(logs());
    throw error;
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const running = [...Object.values(replicas).map((r) => r.proc), ...others].filter(Boolean);
  for (const proc of running) proc.child.kill("SIGKILL");
  await Promise.all(running.map(exited));
  await model?.close();
  await postgres?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const served = async (tier) => (await fetch(`${url[tier]}/_lb/served`)).json();

/** POSTs a chat message to one api address and reads the stream's parts as they come. */
async function chat(baseUrl, token, body) {
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) return { status: response.status, body: await response.text() };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const parts = [];
  const next = async () => {
    while (true) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.replace(/^data: /, "");
        if (data === "[DONE]") return null;
        parts.push(JSON.parse(data));
        return parts.at(-1);
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const until = async (type) => {
    for (let part = await next(); part; part = await next()) if (part.type === type) return part;
    return null;
  };
  return { status: 200, replica: response.headers.get("x-replica"), parts, until, rest: () => until("never").catch((e) => e) };
}

const slowAnswer = (pieces) => ({ chunks: Array.from({ length: pieces }, (_, i) => `w${i} `), delayMs: 100 });
const withTool = (tool, args, answer) => (messages) => (messages.at(-1)?.role === "tool" ? { text: answer } : { toolCalls: [{ name: tool, arguments: args }] });

describe("two replicas of each tier behind a proxy", { timeout: 300_000 }, () => {
  test("a person's browser flow and chat turns land on both api replicas, their tool calls on both MCP replicas", async () => {
    const ada = await signUpInBrowser(browser, url.web, "ada");
    const { page } = ada;
    const answeredBy = new Set();
    page.on("response", (response) => {
      if (response.url().startsWith(url.api) && response.headers()["x-replica"]) answeredBy.add(response.headers()["x-replica"]);
    });
    const mcpBefore = await served("mcp");
    await step(page, "scale-tasks", async () => {
      for (const title of ["Spread load", "Check both replicas", "Ship it"]) {
        await page.getByLabel("New task").fill(title);
        await page.getByRole("button", { name: "Add" }).click();
        await page.getByTestId("task-row").filter({ hasText: title }).waitFor();
      }
      await page.reload();
      await page.getByTestId("task-row").filter({ hasText: "Ship it" }).waitFor();
    });
    await step(page, "scale-chat", async () => {
      model.script = withTool("list_tasks", {}, "You have **three** tasks.");
      await page.getByRole("link", { name: "Chat" }).click();
      await page.getByLabel("Message").fill("What is on my list?");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByTestId("assistant-text").last().getByText("three").waitFor();
    });
    assert.deepEqual([...answeredBy].sort(), ["replica-0", "replica-1"], "the browser's api requests were answered by both replicas");

    // Turns back to back through the proxy: round-robin gives consecutive turns to alternate replicas.
    const { token } = await signUpByApi({ webUrl: url.web }, "bo");
    model.script = withTool("add_task", { title: "From a turn" }, "Added.");
    const turns = [];
    for (let i = 0; i < 2; i++) {
      const turn = await chat(url.api, token, { message: `turn ${i}` });
      assert.equal(turn.status, 200);
      assert.ok(await turn.until("finish"), "the turn finished");
      turns.push(turn.replica);
    }
    assert.deepEqual(turns.sort(), ["replica-0", "replica-1"], "two turns, one on each api replica");
    const mcpAfter = await served("mcp");
    for (const replica of ["replica-0", "replica-1"]) {
      assert.ok((mcpAfter[replica] ?? 0) > (mcpBefore[replica] ?? 0), `MCP ${replica} answered tool calls: ${JSON.stringify(mcpAfter)}`);
    }
    await ada.context.close();
  });

  test("a turn's lease holds across replicas: the other replica answers 409 until the turn ends", async () => {
    const { token } = await signUpByApi({ webUrl: url.web }, "lee");
    model.script = () => slowAnswer(20);
    const first = await chat(url["api-0"], token, { message: "a long answer, please" });
    const { data } = await first.until("data-conversation");
    const busy = await chat(url["api-1"], token, { conversationId: data.conversationId, message: "and another thing" });
    assert.equal(busy.status, 409, busy.body);
    assert.match(busy.body, /still/i);
    assert.ok(await first.until("finish"));

    model.script = () => ({ text: "Now then." });
    const next = await chat(url["api-1"], token, { conversationId: data.conversationId, message: "and another thing" });
    assert.equal(next.status, 200, "freed by the first replica, taken by the second");
    assert.ok(await next.until("finish"));
  });

  test("a replica killed mid-turn leaves the conversation saying so, usable once the lease expires", async () => {
    const { token } = await signUpByApi({ webUrl: url.web }, "kit");
    model.script = () => slowAnswer(50);
    const doomed = await chat(url["api-0"], token, { message: "tell me a long story" });
    const { data } = await doomed.until("data-conversation");
    await doomed.until("text-delta");
    const killedAt = Date.now();
    replicas["api-0"].proc.child.kill("SIGKILL");
    await exited(replicas["api-0"].proc);
    await doomed.rest();

    model.script = () => ({ text: "Here I am." });
    const stillHeld = await chat(url["api-1"], token, { conversationId: data.conversationId, message: "are you there?" });
    assert.equal(stillHeld.status, 409, "the dead replica's lease holds until it expires");
    let answered;
    while (!answered && Date.now() - killedAt < (turnTimeout + leaseMargin + 15) * 1000) {
      await sleep(1000);
      const attempt = await chat(url["api-1"], token, { conversationId: data.conversationId, message: "are you there?" });
      if (attempt.status === 200) answered = attempt;
      else assert.equal(attempt.status, 409, attempt.body);
    }
    assert.ok(answered, "the conversation took a turn once the lease expired");
    assert.ok(await answered.until("finish"));
    const conversation = await (await fetch(`${url.api}/api/conversations/${data.conversationId}`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(conversation.messages.map((m) => m.role), ["user", "error", "user", "assistant"]);
    assert.match(conversation.messages[1].content, /interrupted/);
    assert.equal(conversation.messages[3].content.trim(), "Here I am.");

    startReplica("api-0");
    await waitFor(replicas["api-0"].proc, replicas["api-0"].ready);
  });

  test("an answer written on one replica is followed from the other, and a stop asked on either ends it", async () => {
    const { token } = await signUpByApi({ webUrl: url.web }, "fay");
    const headers = { authorization: `Bearer ${token}` };
    model.script = () => slowAnswer(40);
    const turn = await chat(url["api-0"], token, { message: "write on the first replica" });
    const { data } = await turn.until("data-conversation");
    await turn.until("text-delta");
    await sleep(1500);
    // A page opened on the other replica (a reload behind the proxy): the answer so far, then the rest, from the database.
    const followed = await fetch(`${url["api-1"]}/api/conversations/${data.conversationId}/stream`, { headers });
    assert.equal(followed.status, 200);
    assert.equal(followed.headers.get("x-replica"), null, "straight to replica 1, not through the proxy");
    const parts = (await followed.text()).split("\n\n").filter((e) => e.startsWith("data: {")).map((e) => JSON.parse(e.slice(6)));
    const text = parts.filter((p) => p.type === "text-delta").map((p) => p.delta).join("");
    assert.match(text, /^w0 w1 w2 /);
    assert.ok(parts.filter((p) => p.type === "text-delta").length > 1, "the rest came as it was written");
    assert.equal(parts.at(-1).type, "finish");
    assert.ok(await turn.until("finish"));

    model.script = () => slowAnswer(60);
    const second = await chat(url["api-0"], token, { conversationId: data.conversationId, message: "and a long one" });
    await second.until("text-delta");
    const stopped = await fetch(`${url["api-1"]}/api/conversations/${data.conversationId}/stop`, { method: "POST", headers });
    assert.equal(stopped.status, 202);
    const askedAt = Date.now();
    assert.ok(await second.until("finish"), "the turn on replica 0 ended");
    assert.ok(Date.now() - askedAt < 4000, `heard within the progress interval (${Date.now() - askedAt} ms)`);
    const conversation = await (await fetch(`${url.api}/api/conversations/${data.conversationId}`, { headers })).json();
    assert.deepEqual(conversation.messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    assert.match(conversation.messages[3].content, /^w0 [\s\S]*_Stopped\._$/);
    assert.doesNotMatch(conversation.messages[3].content, /w59/);
  });

  test("a page reloaded while the answer is written, behind the proxy, follows the rest of it", async () => {
    const eve = await signUpInBrowser(browser, url.web, "eve");
    const { page } = eve;
    const replicasSeen = { turn: new Set(), follow: new Set() };
    page.on("response", (response) => {
      const replica = response.headers()["x-replica"];
      if (!replica || !response.url().startsWith(url.api)) return;
      if (response.url().endsWith("/api/chat")) replicasSeen.turn.add(replica);
      if (response.url().endsWith("/stream")) replicasSeen.follow.add(replica);
    });
    await step(page, "scale-reload-mid-answer", async () => {
      await page.getByRole("link", { name: "Chat" }).click();
      model.script = () => slowAnswer(60);
      await page.getByLabel("Message").fill("Keep writing while I reload");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByTestId("assistant-text").last().getByText(/w5/).waitFor();
      await page.reload();
      await page.getByTestId("assistant-text").last().getByText(/w1\b/).waitFor();
      await page.getByTestId("assistant-text").last().getByText(/w59/).waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Send" }).waitFor();
    });
    console.log(`Reloaded mid-answer: the turn on ${[...replicasSeen.turn]}, followed from ${[...replicasSeen.follow]}`);
    assert.equal(replicasSeen.turn.size, 1);
    assert.ok(replicasSeen.follow.size >= 1, "the reloaded page followed the answer");
    await eve.context.close();
  });

  test("a rolling restart of every replica under steady load fails no request and loses or duplicates no task", async () => {
    const { token } = await signUpByApi({ webUrl: url.web }, "rollo");
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    await sleep(2500); // the proxy has seen api-0 back (the test before restarted it)
    const created = [];
    const failures = [];
    let requests = 0;
    let stopping = false;
    const worker = async (w) => {
      for (let i = 0; !stopping; i++) {
        const write = i % 4 !== 3;
        const title = `load ${w}-${i}`;
        try {
          const response = write
            ? await fetch(`${url.api}/api/tasks`, { method: "POST", headers, body: JSON.stringify({ title }) })
            : await fetch(`${url.api}/api/tools/list_tasks`, { method: "POST", headers, body: JSON.stringify({ limit: 5 }) });
          requests++;
          const body = await response.text();
          if (response.status !== (write ? 201 : 200)) failures.push(`${response.status} ${response.headers.get("x-replica")} ${body.slice(0, 200)}`);
          else if (write) created.push(title);
        } catch (error) {
          requests++;
          failures.push(`${title}: ${error.cause?.message ?? error.message}`);
        }
        await sleep(20);
      }
    };
    const load = [0, 1, 2, 3].map(worker);
    const restarts = [];
    for (const name of ["mcp-0", "mcp-1", "api-0", "api-1"]) {
      await sleep(1500);
      const started = Date.now();
      const old = replicas[name].proc;
      old.child.kill("SIGTERM");
      const code = await exited(old);
      assert.equal(code, 0, `${name} exited cleanly on SIGTERM:\n${old.log.join("\n")}`);
      const stopped = Date.now();
      startReplica(name);
      await waitFor(replicas[name].proc, replicas[name].ready);
      restarts.push(`${name}: stopped in ${((stopped - started) / 1000).toFixed(1)} s, ready again ${((Date.now() - stopped) / 1000).toFixed(1)} s later`);
      await sleep(2500); // one probe or two: the proxy sends to it again
    }
    await sleep(1500);
    stopping = true;
    await Promise.all(load);
    console.log(`Rolling restart (${restarts.join("; ")}): ${requests} requests through the proxies, ${failures.length} failed, ${created.length} tasks created`);
    assert.deepEqual(failures, []);
    assert.ok(requests > 200, `a steady load (${requests} requests)`);

    const stored = [];
    for (let offset = 0; ; offset += 100) {
      const page = await (await fetch(`${url.api}/api/tasks?limit=100&offset=${offset}`, { headers })).json();
      stored.push(...page.items.map((t) => t.title));
      if (stored.length >= page.total) break;
    }
    assert.deepEqual([...stored].sort(), [...created].sort(), "every acknowledged task stored once, and nothing else");
  });
});
