// The official TypeScript MCP client (@modelcontextprotocol/sdk) against the running MCP server, as a user of the
// MCP Inspector or an IDE would connect. The client checks every structured result against the tool's declared
// output schema, so a schema the server breaks fails here. Started by TypeScriptClientTests.cs with:
//   MCP_URL      the endpoint
//   MCP_TOKEN    a valid token for one user
//   MCP_TOKEN_2  a valid token for another user
//   MCP_TOKEN_WRONG_AUDIENCE  a token signed by the trusted issuer for another audience
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const url = new URL(process.env.MCP_URL);

async function connect(token) {
  const client = new Client({ name: "mcpstack-ts-client-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  // Listing is what arms the client's output-schema validation for each tool.
  const { tools } = await client.listTools();
  return { client, tools };
}

const text = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");

test("lists the tools, each with an output schema, and no user id anywhere", async () => {
  const { client, tools } = await connect(process.env.MCP_TOKEN);
  try {
    // The tools this file uses; a solution's own features add more, and every one is checked below.
    const names = tools.map((t) => t.name);
    for (const used of ["add_task", "complete_task", "delete_task", "health", "list_tasks", "update_task"]) assert.ok(names.includes(used), `${used} is listed`);
    for (const tool of tools) {
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
      assert.doesNotMatch(JSON.stringify(tool.inputSchema), /user/i);
    }
  } finally {
    await client.close();
  }
});

test("add, list, update, complete and delete, each result valid against its schema", async () => {
  const { client } = await connect(process.env.MCP_TOKEN);
  try {
    const bare = await client.callTool({ name: "add_task", arguments: { title: "no due date" } });
    assert.equal(bare.isError ?? false, false, text(bare));
    assert.equal(bare.structuredContent.dueAt, null);
    assert.equal(bare.structuredContent.priority, "normal");

    const dated = await client.callTool({ name: "add_task", arguments: { title: "with a due date", dueAt: "2026-12-24T18:00:00Z", priority: "high", description: "gift" } });
    assert.equal(dated.structuredContent.dueAt.slice(0, 19), "2026-12-24T18:00:00");

    const page = await client.callTool({ name: "list_tasks", arguments: { limit: 2 } });
    assert.equal(page.structuredContent.tasks.length, 2);
    assert.equal(page.structuredContent.total, 2);
    assert.deepEqual(JSON.parse(text(page)), page.structuredContent, "the text copy is the structured content");

    const id = bare.structuredContent.id;
    const updated = await client.callTool({ name: "update_task", arguments: { id, title: "renamed", dueAt: "2027-01-01T09:00:00Z" } });
    assert.equal(updated.structuredContent.title, "renamed");
    const cleared = await client.callTool({ name: "update_task", arguments: { id, clearDueAt: true } });
    assert.equal(cleared.structuredContent.dueAt, null);

    const done = await client.callTool({ name: "complete_task", arguments: { id } });
    assert.equal(done.structuredContent.completed, true);
    const pending = await client.callTool({ name: "list_tasks", arguments: { status: "pending" } });
    assert.deepEqual(pending.structuredContent.tasks.map((t) => t.title), ["with a due date"]);

    const deleted = await client.callTool({ name: "delete_task", arguments: { id } });
    assert.deepEqual([deleted.structuredContent.deleted, deleted.structuredContent.title], [true, "renamed"]);

    const health = await client.callTool({ name: "health", arguments: {} });
    assert.equal(health.structuredContent.status, "ok");
  } finally {
    await client.close();
  }
});

test("bad input and other users' ids are tool errors with a message; an unknown tool is a protocol error", async () => {
  const { client } = await connect(process.env.MCP_TOKEN);
  const { client: other } = await connect(process.env.MCP_TOKEN_2);
  try {
    const theirs = await other.callTool({ name: "add_task", arguments: { title: "someone else's" } });
    for (const [name, args, message] of [
      ["add_task", { title: "" }, /title/i],
      ["add_task", { title: "x".repeat(201) }, /200/],
      ["add_task", { title: "ok", priority: "urgent" }, /priority/i],
      ["add_task", { title: "ok", priority: 7 }, /priority/i],
      ["list_tasks", { limit: 0 }, /limit/i],
      ["complete_task", { id: "not-an-id" }, /id/i],
      ["complete_task", { id: theirs.structuredContent.id }, /No task/],
      ["delete_task", { id: theirs.structuredContent.id }, /No task/],
    ]) {
      const result = await client.callTool({ name, arguments: args });
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should be refused: ${text(result)}`);
      assert.match(text(result), message);
      assert.doesNotMatch(text(result), /\bat \w+\./, "no stack trace");
    }
    const still = await other.callTool({ name: "list_tasks", arguments: {} });
    assert.deepEqual(still.structuredContent.tasks.map((t) => t.title), ["someone else's"]);

    await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }), (e) => e instanceof McpError && e.code === -32602);
  } finally {
    await client.close();
    await other.close();
  }
});

test("a token for another audience, or none, cannot connect", async () => {
  await assert.rejects(connect(process.env.MCP_TOKEN_WRONG_AUDIENCE), /401|Unauthorized/i);
  await assert.rejects(connect("not.a.token"), /401|Unauthorized/i);
});

test("tasks as resources to attach, prompts for a slash menu, and their completions (2025-11-25, the revision this client speaks)", async () => {
  const { client } = await connect(process.env.MCP_TOKEN);
  const { client: other } = await connect(process.env.MCP_TOKEN_2);
  try {
    const mine = await client.callTool({ name: "add_task", arguments: { title: "Attach me", dueAt: new Date(Date.now() - 3_600_000).toISOString(), priority: "high" } });
    const theirs = await other.callTool({ name: "add_task", arguments: { title: "Not yours to attach" } });
    const id = mine.structuredContent.id;

    const { resources } = await client.listResources();
    const listed = resources.find((r) => r.uri === `task://${id}`);
    assert.equal(listed?.name, "Attach me");
    assert.ok(!resources.some((r) => r.uri === `task://${theirs.structuredContent.id}`), "another user's task is not listed");
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === "task://{id}"));

    const read = await client.readResource({ uri: `task://${id}` });
    assert.equal(JSON.parse(read.contents[0].text).title, "Attach me");
    await assert.rejects(client.readResource({ uri: `task://${theirs.structuredContent.id}` }), (e) => e instanceof McpError && e.code === -32002);

    const completed = await client.complete({ ref: { type: "ref/resource", uri: "task://{id}" }, argument: { name: "id", value: "attach" } });
    assert.deepEqual(completed.completion.values, [id]);

    const { prompts } = await client.listPrompts();
    for (const name of ["plan_my_day", "triage_overdue", "weekly_review"]) assert.ok(prompts.some((p) => p.name === name), `${name} is listed`);
    const triage = await client.getPrompt({ name: "triage_overdue", arguments: { priority: "high" } });
    assert.match(triage.messages[0].content.text, /Attach me/);
    assert.doesNotMatch(triage.messages[0].content.text, /Not yours/);
    const priorities = await client.complete({ ref: { type: "ref/prompt", name: "triage_overdue" }, argument: { name: "priority", value: "n" } });
    assert.deepEqual(priorities.completion.values, ["normal"]);
  } finally {
    await client.close();
    await other.close();
  }
});

test("MCP Apps: the tools name their views, which are listed and read as self-contained HTML (2025-11-25)", async () => {
  const { client, tools } = await connect(process.env.MCP_TOKEN);
  try {
    assert.ok(client.getServerCapabilities().extensions?.["io.modelcontextprotocol/ui"], "the server declares the extension");
    const ui = Object.fromEntries(tools.map((t) => [t.name, t._meta?.ui]));
    assert.equal(ui.list_tasks?.resourceUri, "ui://tasks/list");
    assert.equal(ui.add_task?.resourceUri, "ui://tasks/task");
    assert.deepEqual(ui.get_task?.visibility, ["app"]);

    const { resources } = await client.listResources();
    for (const uri of ["ui://tasks/list", "ui://tasks/task"]) {
      const listed = resources.find((r) => r.uri === uri);
      assert.equal(listed?.mimeType, "text/html;profile=mcp-app");
      const { contents } = await client.readResource({ uri });
      assert.equal(contents[0].mimeType, "text/html;profile=mcp-app");
      assert.match(contents[0].text, /^<!doctype html>/i);
      assert.deepEqual(contents[0]._meta?.ui?.csp, { connectDomains: [], resourceDomains: [] });
    }
  } finally {
    await client.close();
  }
});
