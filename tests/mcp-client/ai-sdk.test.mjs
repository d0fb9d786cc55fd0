// The AI SDK's MCP client (@ai-sdk/mcp), which speaks 2026-07-28, against the running MCP server as an AI SDK host
// with MCP Apps would use it: the app tools split from the model's, each view read for rendering, prompts and resources.
// Started by TypeScriptClientTests.cs with MCP_URL, MCP_TOKEN_AI and MCP_TOKEN_AI_2 (another user).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createMCPClient, mcpAppClientCapabilities, readMCPAppResource, splitMCPAppTools } from "@ai-sdk/mcp";

const connect = (token) =>
  createMCPClient({
    transport: { type: "http", url: process.env.MCP_URL, headers: { Authorization: `Bearer ${token}` } },
    capabilities: mcpAppClientCapabilities,
  });

test("the app tools are told from the model's, and every view reads as an MCP App resource", async () => {
  const client = await connect(process.env.MCP_TOKEN_AI);
  try {
    const definitions = await client.listTools();
    const { modelVisible, appVisible } = splitMCPAppTools(definitions);
    const model = modelVisible.tools.map((t) => t.name);
    const app = appVisible.tools.map((t) => t.name);
    assert.ok(!model.includes("get_task"), "get_task is the task view's, not the model's");
    assert.ok(app.includes("get_task") && app.includes("list_tasks") && app.includes("delete_task"));
    assert.ok(model.includes("list_tasks"));

    const views = [...new Set(definitions.tools.map((t) => t._meta?.ui?.resourceUri).filter(Boolean))].sort();
    // Entities added with the entity template bring their own views: the tasks' are among them, and each reads the same.
    assert.deepEqual(views.filter((uri) => uri.startsWith("ui://tasks/")), ["ui://tasks/list", "ui://tasks/task"]);
    for (const uri of views) {
      const view = await readMCPAppResource({ client, uri });
      assert.equal(view.mimeType, "text/html;profile=mcp-app");
      assert.match(view.html, /ui\/initialize/);
      assert.deepEqual(view.meta?.csp, { connectDomains: [], resourceDomains: [] });
    }

    // The tools the model gets run, as this user.
    const tools = await client.toolsFromDefinitions(modelVisible);
    const added = await tools.add_task.execute({ title: "From the AI SDK" }, { toolCallId: "1", messages: [] });
    assert.equal(added.structuredContent.title, "From the AI SDK");
  } finally {
    await client.close();
  }
});

test("prompts and resources on 2026-07-28, each for its own user", async () => {
  const client = await connect(process.env.MCP_TOKEN_AI);
  const other = await connect(process.env.MCP_TOKEN_AI_2);
  try {
    const tools = await client.toolsFromDefinitions(await client.listTools());
    const mine = await tools.add_task.execute({ title: "Overdue for the AI SDK", dueAt: new Date(Date.now() - 3_600_000).toISOString(), priority: "high" }, { toolCallId: "2", messages: [] });
    const otherTools = await other.toolsFromDefinitions(await other.listTools());
    await otherTools.add_task.execute({ title: "Someone else's", priority: "high", dueAt: new Date(Date.now() - 3_600_000).toISOString() }, { toolCallId: "3", messages: [] });

    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), ["plan_my_day", "triage_overdue", "weekly_review"]);
    const triage = await client.getPrompt({ name: "triage_overdue", arguments: { priority: "high" } });
    assert.match(triage.messages[0].content.text, /Overdue for the AI SDK/);
    assert.doesNotMatch(triage.messages[0].content.text, /Someone else's/);

    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === `task://${mine.structuredContent.id}`));
    assert.ok(resources.some((r) => r.uri === "ui://tasks/list"));
    const read = await client.readResource({ uri: `task://${mine.structuredContent.id}` });
    assert.equal(JSON.parse(read.contents[0].text).title, "Overdue for the AI SDK");
  } finally {
    await client.close();
    await other.close();
  }
});
