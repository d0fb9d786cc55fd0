// McpStack's MCP server driven by the MCP client libraries agents are built on, each at the version this folder's lock
// file pins: the AI SDK (@ai-sdk/mcp), LangChain (@langchain/mcp-adapters), the OpenAI Agents SDK (@openai/agents),
// and mcp-remote (the stdio bridge desktop clients use) through McpStack's OAuth sign-in in Chromium. Each connects,
// lists the tools, calls every tool with valid arguments and with refused ones (getting the error as that library
// gives it, never a crash), and reads results its own way; the revision each negotiated goes into the report.
// A failure names its client. Run by test.sh after the web tier is built.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { createMCPClient } from "@ai-sdk/mcp";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Agent, MCPServerStreamableHttp, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from "@openai/agents";
import OpenAI from "openai";
import { freePort } from "../free-port.mjs";
import { consent, recordAs, recordFrom, revisionsOf, startInterop, versionOf, writeReport } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

let world;
let bobsTask;
const report = [];

before(async () => {
  world = await startInterop();
  // A task of another user, whose id every client then tries.
  const bob = new Client({ name: "interop-setup", version: "1.0.0" });
  await bob.connect(new StreamableHTTPClientTransport(new URL(world.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${world.bob.token}` } } }));
  bobsTask = (await bob.callTool({ name: "add_task", arguments: { title: "Bob's own" } })).structuredContent;
  await bob.close();
});

after(async () => {
  writeReport(report);
  await world?.stop();
});

const bearer = () => ({ Authorization: `Bearer ${world.alice.token}` });

/**
 * Every tool with a valid call and refused ones, in an order where each id exists: `adapter.call(name, args)` gives
 * `{ ok, structured, error }` as its library exposes a result. A tool the server lists without a case here fails the
 * suite, so a new tool gets its interop cases.
 */
async function callEveryTool(client, adapter) {
  const listed = await adapter.list();
  const cases = ["add_task", "list_tasks", "complete_task", "update_task", "get_task", "delete_task", "health"];
  assert.deepEqual([...listed].sort(), [...cases].sort(), `${client}: the tools it lists are the ones this suite covers`);

  const refused = async (name, args, message) => {
    const result = await adapter.call(name, args);
    assert.equal(result.ok, false, `${client}: ${name} ${JSON.stringify(args)} is refused`);
    assert.match(result.error, message, `${client}: ${name} says why`);
    assert.doesNotMatch(result.error, /Bob's own/, `${client}: ${name} leaks nothing of another user's task`);
  };
  const valid = async (name, args) => {
    const result = await adapter.call(name, args);
    assert.equal(result.ok, true, `${client}: ${name} ${JSON.stringify(args)} succeeds (${result.error})`);
    return result.structured;
  };

  const added = await valid("add_task", { title: `From ${client}`, priority: "high" });
  assert.equal(added.title, `From ${client}`);
  await refused("add_task", { title: "" }, /title/i);

  const listedTasks = await valid("list_tasks", { status: "pending" });
  assert.ok(listedTasks.tasks.some((t) => t.id === added.id), `${client}: list_tasks shows the new task`);
  assert.ok(!listedTasks.tasks.some((t) => t.id === bobsTask.id), `${client}: and not another user's`);
  await refused("list_tasks", { limit: 0 }, /limit must be between 1 and 100/);

  assert.equal((await valid("complete_task", { id: added.id })).completed, true);
  await refused("complete_task", { id: "not-an-id" }, /not a task id/);

  assert.equal((await valid("update_task", { id: added.id, title: `Renamed by ${client}` })).title, `Renamed by ${client}`);
  await refused("update_task", { id: bobsTask.id, title: "taken" }, /No task with id/);

  assert.equal((await valid("get_task", { id: added.id })).title, `Renamed by ${client}`);
  await refused("get_task", { id: bobsTask.id }, /No task with id/);

  assert.equal((await valid("delete_task", { id: added.id })).deleted, true);
  await refused("delete_task", { id: bobsTask.id }, /No task with id/);

  assert.equal((await valid("health", {})).status, "ok");
}

/** A CallToolResult as the libraries that hand it over whole (the AI SDK, the Agents SDK) return it. */
const fromResult = (result) => ({
  ok: result.isError !== true,
  structured: result.structuredContent,
  error: result.isError ? result.content.map((c) => c.text ?? "").join("\n") : undefined,
});

describe("third-party MCP clients", { timeout: 300_000 }, () => {
  test("the AI SDK (@ai-sdk/mcp) calls every tool and gets refusals as error results", async () => {
    const client = "@ai-sdk/mcp";
    recordAs(client);
    const mcp = await createMCPClient({ transport: { type: "http", url: world.mcpUrl, headers: bearer() } });
    try {
      const definitions = await mcp.listTools();
      const tools = await mcp.toolsFromDefinitions(definitions);
      await callEveryTool(client, {
        list: async () => Object.keys(tools),
        call: async (name, args) => fromResult(await tools[name].execute(args, { toolCallId: name, messages: [] })),
      });
    } finally {
      await mcp.close();
    }
    report.push({ client, version: versionOf(client), revisions: revisionsOf(client), tested: "every tool valid and refused; structuredContent" });
  });

  test("LangChain (@langchain/mcp-adapters) calls every tool as LangChain tools; refusals are ToolExceptions with the server's message", async () => {
    const client = "@langchain/mcp-adapters";
    recordAs(client);
    const mcp = new MultiServerMCPClient({ mcpServers: { "mcpstack": { transport: "http", url: world.mcpUrl, headers: bearer() } }, throwOnLoadError: true });
    try {
      const tools = await mcp.getTools();
      const named = (name) => tools.find((t) => t.name === name || t.name.endsWith(`__${name}`));
      await callEveryTool(client, {
        list: async () => tools.map((t) => t.name.replace(/^.*__/, "")),
        call: async (name, args) => {
          try {
            // The adapter gives one text block carrying the structured content beside it (the text is its JSON).
            const output = await named(name).invoke(args);
            assert.equal(output.type, "text", `${client}: ${name} answers with a text block`);
            assert.deepEqual(JSON.parse(output.text), output.structuredContent, `${client}: its text is its structured content`);
            return { ok: true, structured: output.structuredContent };
          } catch (error) {
            assert.equal(error.name, "ToolException", `${client}: a refusal is LangChain's ToolException, not ${error.name}`);
            return { ok: false, error: error.message };
          }
        },
      });
    } finally {
      await mcp.close();
    }
    report.push({ client, version: versionOf(client), revisions: revisionsOf(client), tested: "every tool as a LangChain tool, valid and refused (ToolException)" });
  });

  test("the OpenAI Agents SDK (@openai/agents) calls every tool; refusals are error results", async () => {
    const client = "@openai/agents";
    recordAs(client);
    const server = new MCPServerStreamableHttp({ url: world.mcpUrl, name: "mcpstack", requestInit: { headers: bearer() } });
    await server.connect();
    try {
      await callEveryTool(client, {
        list: async () => (await server.listTools()).map((t) => t.name),
        call: async (name, args) => fromResult(await server.callToolResult(name, args)),
      });
    } finally {
      await server.close();
    }
    report.push({ client, version: versionOf(client), revisions: revisionsOf(client), tested: "every tool valid and refused; and an agent, below" });
  });

  test("an agent on the OpenAI Agents SDK, on the scripted model, adds and lists tasks through McpStack's MCP server", async () => {
    recordAs("@openai/agents");
    setTracingDisabled(true);
    setOpenAIAPI("chat_completions");
    setDefaultOpenAIClient(new OpenAI({ baseURL: world.model.baseUrl, apiKey: "sk-test" }));
    world.model.uniqueCallIds = true; // the Agents SDK refuses an id used again in one run
    const toolRounds = (messages) => messages.filter((m) => m.role === "tool").length;
    world.model.script = (messages) =>
      toolRounds(messages) === 0
        ? { toolCalls: [{ name: "add_task", arguments: { title: "Buy stamps", priority: "low" } }] }
        : toolRounds(messages) === 1
          ? { toolCalls: [{ name: "list_tasks", arguments: { status: "pending" } }] }
          : { text: `Done: ${JSON.stringify(messages.at(-1).content)}` };
    const server = new MCPServerStreamableHttp({ url: world.mcpUrl, name: "mcpstack", requestInit: { headers: bearer() } });
    await server.connect();
    try {
      const agent = new Agent({ name: "Tasks", instructions: "Manage the user's tasks with the tools.", mcpServers: [server], model: "fake-model" });
      const result = await run(agent, "Add an errand, then tell me what is pending.");
      assert.match(result.finalOutput, /Buy stamps/, "the agent's answer carries what list_tasks returned");
      const offered = world.model.requests.at(-1).tools.map((t) => t.function.name);
      assert.ok(offered.includes("add_task") && offered.includes("list_tasks"), "the model was offered McpStack's tools");
    } finally {
      await server.close();
    }
  });

  test("mcp-remote (the stdio bridge of desktop clients) signs in through the consent page, calls tools, and steps up from a read-only grant", async () => {
    const client = "mcp-remote";
    const proxy = require.resolve("mcp-remote/dist/proxy.js");
    const recordFile = path.join(mkdtempSync(path.join(tmpdir(), "mcpstack-interop-")), "revisions.txt");

    /** mcp-remote as Claude Desktop runs it (a child on stdio), with its own token store; the official SDK speaks to it. */
    async function bridge() {
      const callbackPort = await freePort();
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [proxy, world.mcpUrl, String(callbackPort), "--allow-http"],
        env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), "mcp-remote-")), NODE_OPTIONS: `--import=${path.join(here, "recorder.mjs")}`, MCP_RECORD_FILE: recordFile, BROWSER: "none" },
        stderr: "pipe",
      });
      let log = "";
      const waiting = [];
      transport.stderr.on("data", (chunk) => {
        log += chunk;
        for (const w of [...waiting]) w();
      });
      /** The next authorization URL mcp-remote asks the user to visit (the n-th one in its log). */
      const authorizationUrl = (n) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`mcp-remote asked for no sign-in #${n}:\n${log}`)), 60_000);
          const check = () => {
            const urls = [...log.matchAll(/Please authorize this client by visiting:\s*\n(\S+)/g)].map((m) => new URL(m[1]));
            // Its callback server starts after it tried to open a browser: a code sent before would find no one.
            if (urls.length >= n && /OAuth callback server running/.test(log)) {
              clearTimeout(timer);
              resolve(urls[n - 1]);
            }
          };
          waiting.push(check);
          check();
        });
      const mcp = new Client({ name: "desktop-client", version: "1.0.0" });
      return { transport, mcp, authorizationUrl, log: () => log, callbackPort };
    }

    /** Through the consent page in the signed-in browser; the redirect lands on mcp-remote's own callback. */
    async function signIn(url, callbackPort, options) {
      const landed = world.alice.page.waitForURL(`http://localhost:${callbackPort}/**`, { timeout: 60_000 }).then(() => ({}));
      await consent(world.alice.page, url, landed, options);
    }

    // Full grant: registration, consent, the code on mcp-remote's loopback port, then the tools.
    const full = await bridge();
    const connected = full.mcp.connect(full.transport);
    const first = await full.authorizationUrl(1);
    assert.equal(first.origin, world.stack.webUrl, "the sign-in is McpStack's own");
    await signIn(first, full.callbackPort);
    await connected;
    try {
      const { tools } = await full.mcp.listTools();
      assert.ok(tools.some((t) => t.name === "add_task"));
      const added = await full.mcp.callTool({ name: "add_task", arguments: { title: "Via mcp-remote" } });
      assert.equal(added.structuredContent.title, "Via mcp-remote", full.log());
      const refused = await full.mcp.callTool({ name: "update_task", arguments: { id: bobsTask.id, title: "taken" } });
      assert.equal(refused.isError, true);
      assert.match(refused.content[0].text, /No task with id/);
    } finally {
      await full.mcp.close();
    }

    // Read-only grant: a write is refused with insufficient_scope, and mcp-remote's step-up sends the user to consent again.
    const readOnly = await bridge();
    const reconnected = readOnly.mcp.connect(readOnly.transport);
    await signIn(await readOnly.authorizationUrl(1), readOnly.callbackPort, { untick: ["tasks:write"] });
    await reconnected;
    try {
      const listed = await readOnly.mcp.callTool({ name: "list_tasks", arguments: {} });
      assert.ok(listed.structuredContent.tasks.some((t) => t.title === "Via mcp-remote"), readOnly.log());
      const writing = readOnly.mcp.callTool({ name: "add_task", arguments: { title: "Needs write" } }).catch((error) => ({ thrown: error }));
      const stepUp = await readOnly.authorizationUrl(2);
      assert.match(stepUp.searchParams.get("scope") ?? "", /tasks:write/, "the step-up asks for the write scope");
      await world.alice.page.goto(stepUp.href);
      await world.alice.page.waitForURL(`${world.stack.webUrl}/consent?**`);
      await world.alice.page.getByTestId("consent-scopes").locator('li[data-scope="tasks:write"]').waitFor();
      const outcome = await Promise.race([writing, new Promise((r) => setTimeout(() => r("pending"), 1_000))]);
      assert.notEqual(outcome?.structuredContent?.title, "Needs write", "nothing was written on the read-only grant");
    } finally {
      await readOnly.mcp.close().catch(() => undefined);
    }
    recordFrom(client, existsSync(recordFile) ? [...new Set(readFileSync(recordFile, "utf8").split("\n").filter(Boolean))] : []);
    report.push({ client, version: versionOf(client), revisions: revisionsOf(client), tested: "OAuth in Chromium (registration, consent, loopback code), tools, a refusal, read-only grant stepping up" });
  });

  test("between them, the clients negotiated both revisions McpStack serves", () => {
    const seen = new Set(report.flatMap((r) => r.revisions));
    assert.ok(seen.has("2025-11-25") && seen.has("2026-07-28"), `revisions seen: ${[...seen].join(", ")}`);
    for (const row of report) assert.equal(row.revisions.length, 1, `${row.client} negotiated one revision (${row.revisions.join(", ")})`);
  });
});
