// The chat's stream, read by the AI SDK's own parser and validated against its own chunk schema (ai 7): what the api
// sends is what useChat reads, for a text answer, a tool call, an approval request and a failed turn.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from "ai";
import { modelSettings, startFakeOpenAi } from "./fake-openai.mjs";
import { signUpByApi, startStack } from "./stack.mjs";

let model;
let stack;
let user;

before(async () => {
  model = await startFakeOpenAi();
  stack = await startStack({ env: modelSettings(model) });
  user = await signUpByApi(stack, "sam");
});

after(async () => {
  await stack?.stop();
  await model?.close();
});

const hasToolResult = (messages) => messages.some((m) => m.role === "tool");

/** One turn: the raw body, every chunk as the AI SDK parses and validates it, and the UI message it builds. */
async function turn(body) {
  const response = await fetch(`${stack.apiUrl}/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get("x-vercel-ai-ui-message-stream"), "v1");
  const [forParser, forRaw] = response.body.tee();
  const results = [];
  const reader = parseJsonEventStream({ stream: forParser, schema: uiMessageChunkSchema }).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) results.push(r.value);
  const raw = await new Response(forRaw).text();
  for (const result of results) assert.ok(result.success, `a chunk the AI SDK refuses: ${result.success ? "" : result.error?.message} in ${raw}`);
  assert.ok(raw.endsWith("data: [DONE]\n\n"), `the stream ends with [DONE]: ${raw.slice(-80)}`);
  const chunks = results.map((r) => r.value);
  let message;
  for await (const m of readUIMessageStream({ stream: new ReadableStream({ start: (c) => { chunks.forEach((x) => c.enqueue(x)); c.close(); } }) })) message = m;
  return { chunks, message, conversationId: chunks.find((c) => c.type === "data-conversation")?.data.conversationId };
}

describe("the chat's UI message stream, read by the AI SDK", { timeout: 120_000 }, () => {
  test("a text answer", async () => {
    model.script = () => ({ text: "Hello from the model." });
    const { chunks, message } = await turn({ message: "hi" });
    assert.deepEqual(chunks.map((c) => c.type).filter((t) => !t.startsWith("text-") || t === "text-delta").slice(0, 2), ["start", "data-conversation"]);
    assert.equal(message.parts.filter((p) => p.type === "text").map((p) => p.text).join(""), "Hello from the model.");
    assert.equal(chunks.at(-1).type, "finish");
  });

  test("a tool call and its result, then the answer", async () => {
    model.script = (messages) => (hasToolResult(messages) ? { text: "Added milk." } : { toolCalls: [{ name: "add_task", arguments: { title: "milk" } }] });
    const { message } = await turn({ message: "remember milk" });
    const tool = message.parts.find((p) => p.type === "tool-add_task" || (p.type === "dynamic-tool" && p.toolName === "add_task"));
    assert.ok(tool, JSON.stringify(message.parts));
    assert.equal(tool.state, "output-available");
    assert.match(message.parts.filter((p) => p.type === "text").map((p) => p.text).join(""), /Added milk/);
  });

  test("an approval request for a deletion, which nothing runs before the user answers", async () => {
    const created = await (await fetch(`${stack.apiUrl}/api/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Old task" }),
    })).json();
    model.script = (messages) => (hasToolResult(messages) ? { text: "Deleted." } : { toolCalls: [{ name: "delete_task", arguments: { id: created.id } }] });
    const { chunks, message } = await turn({ message: "delete my old task" });
    const request = chunks.find((c) => c.type === "tool-approval-request");
    assert.ok(request?.approvalId, JSON.stringify(chunks));
    const tool = message.parts.find((p) => p.toolCallId === request.toolCallId);
    assert.equal(tool.state, "approval-requested");
    const task = await fetch(`${stack.apiUrl}/api/tasks/${created.id}`, { headers: { authorization: `Bearer ${user.token}` } });
    assert.equal(task.status, 200, "not deleted before the answer");
  });

  test("a failed turn: the model's endpoint answers 500", async () => {
    model.script = () => ({ status: 500 });
    const { chunks } = await turn({ message: "this will fail" });
    const error = chunks.find((c) => c.type === "error");
    assert.ok(error?.errorText, JSON.stringify(chunks));
    assert.equal(chunks.at(-1).type, "finish");
  });
});
