// A local OpenAI-compatible endpoint (POST /v1/chat/completions, streamed) with scripted answers, for tests that need
// the api to have a model: no network, no weights. The script sees the request's messages and answers with text, tool
// calls, or an HTTP status.
import { createServer } from "node:http";
import { freePort } from "../../tests/free-port.mjs";

const chunk = (delta, finishReason = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: "fake-model", choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;

/** The answer as one chat completion (not streamed). */
const completion = (answer, callId) => ({
  id: "chatcmpl-fake",
  object: "chat.completion",
  created: 0,
  model: "fake-model",
  choices: [
    {
      index: 0,
      message: answer.toolCalls
        ? { role: "assistant", content: null, tool_calls: answer.toolCalls.map((call, index) => ({ id: callId(index), type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) }
        : { role: "assistant", content: (answer.chunks ?? [answer.text]).join("") },
      finish_reason: answer.toolCalls ? "tool_calls" : "stop",
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

/**
 * `script(messages)` returns { text } (streamed in `chunks` pieces, `delayMs` apart, when given), or
 * { toolCalls: [{ name, arguments }] }, or { status }.
 */
export async function startFakeOpenAi() {
  // Tool-call ids repeat each answer (call_1, call_2…), as some providers' do; uniqueCallIds numbers them across answers.
  const fake = { script: () => ({ text: "Hello." }), requests: [], uniqueCallIds: false };
  let calls = 0;
  const callId = (index) => (fake.uniqueCallIds ? `call_${++calls}` : `call_${index + 1}`);
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", async () => {
      fake.requests.push(JSON.parse(body));
      const request = JSON.parse(body);
      const answer = fake.script(request.messages);
      if (answer.status) return response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "scripted failure", type: "server_error" } }));
      // A client that does not stream (the OpenAI Agents SDK's run()) gets the whole answer as one completion.
      if (request.stream !== true) return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion(answer, callId)));
      response.writeHead(200, { "content-type": "text/event-stream" });
      if (answer.toolCalls) {
        answer.toolCalls.forEach((call, index) =>
          response.write(chunk({ role: "assistant", tool_calls: [{ index, id: callId(index), type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }] })));
        response.write(chunk({}, "tool_calls"));
      } else {
        for (const piece of answer.chunks ?? [answer.text]) {
          if (response.destroyed) return;
          response.write(chunk({ role: "assistant", content: piece }));
          if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        }
        response.write(chunk({}, "stop"));
      }
      response.end("data: [DONE]\n\n");
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  fake.baseUrl = `http://127.0.0.1:${port}/v1`;
  fake.close = () => new Promise((resolve) => server.close(resolve));
  return fake;
}

/** The api's settings for a fake endpoint: startStack({ env: modelSettings(model) }). */
export const modelSettings = (model) => ({ OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" });
