import { describe, expect, it } from "vitest";
import { APIError, type MessageView, type ToolCallView } from "./api";
import { chatRequestFor, createChatTransport, toUIMessages, type ChatMessage } from "./chat";
import { safeUrl } from "./safe-url";

describe("chatRequestFor", () => {
  it("sends the new message with the conversation, not the history (the api keeps it)", () => {
    const messages: ChatMessage[] = [
      { id: "1", role: "user", parts: [{ type: "text", text: "old" }] },
      { id: "2", role: "assistant", parts: [{ type: "text", text: "answer" }] },
      { id: "3", role: "user", parts: [{ type: "text", text: "remember milk" }] },
    ];
    expect(chatRequestFor(messages, "c1")).toEqual({ conversationId: "c1", message: "remember milk" });
  });

  it("sends the answers to approval requests, and only those answered", () => {
    const messages: ChatMessage[] = [
      {
        id: "2",
        role: "assistant",
        parts: [
          { type: "tool-delete_task", toolCallId: "t1", state: "approval-responded", input: { id: "x" }, approval: { id: "a1", approved: true } },
          { type: "tool-delete_task", toolCallId: "t2", state: "approval-responded", input: { id: "y" }, approval: { id: "a2", approved: false, reason: "keep it" } },
          { type: "tool-list_tasks", toolCallId: "t3", state: "output-available", input: {}, output: {} },
        ],
      },
    ];
    expect(chatRequestFor(messages, "c1")).toEqual({
      conversationId: "c1",
      approvals: [
        { approvalId: "a1", approved: true, reason: null },
        { approvalId: "a2", approved: false, reason: "keep it" },
      ],
    });
  });
});

describe("toUIMessages", () => {
  const call = (state: ToolCallView["state"], extra: Partial<ToolCallView> = {}): ToolCallView => ({
    toolCallId: "t1",
    toolName: "delete_task",
    input: { id: "x" },
    state,
    output: null,
    errorText: null,
    approval: null,
    ...extra,
  });
  const assistant = (parts: MessageView["parts"]): MessageView => ({ id: "a", role: "assistant", content: "", createdAt: "", inputTokens: null, outputTokens: null, parts });

  it("turns a stored conversation into UI messages: parts in order, tool parts with their state, errors marked", () => {
    const shown = toUIMessages([
      { id: "u", role: "user", content: "delete it", parts: [{ type: "text", text: "delete it" }], createdAt: "", inputTokens: null, outputTokens: null },
      assistant([
        { type: "text", text: "Let me look." },
        { type: "tool", toolCall: call("approval-requested", { approval: { id: "a1", approved: null, reason: null } }) },
      ]),
      { id: "e", role: "error", content: "The assistant could not finish.", parts: [], createdAt: "", inputTokens: null, outputTokens: null },
    ]);
    expect(shown[0]).toEqual({ id: "u", role: "user", parts: [{ type: "text", text: "delete it" }] });
    expect(shown[1]!.parts).toEqual([
      { type: "text", text: "Let me look.", state: "done" },
      { type: "tool-delete_task", toolCallId: "t1", input: { id: "x" }, state: "approval-requested", approval: { id: "a1" } },
    ]);
    expect(shown[2]).toMatchObject({ role: "assistant", metadata: { error: true } });
  });

  it("keeps an approval's answer on the call it answered, with no buttons left to press", () => {
    const [approved] = toUIMessages([assistant([{ type: "tool", toolCall: call("output-available", { output: { deleted: true }, approval: { id: "a1", approved: true, reason: null } }) }])]);
    expect(approved!.parts[0]).toMatchObject({ state: "output-available", approval: { id: "a1", approved: true } });
    const [denied] = toUIMessages([assistant([{ type: "tool", toolCall: call("output-denied", { approval: { id: "a1", approved: false, reason: "not now" } }) }])]);
    expect(denied!.parts[0]).toMatchObject({ state: "output-denied", approval: { id: "a1", approved: false, reason: "not now" } });
    const [cut] = toUIMessages([assistant([{ type: "tool", toolCall: call("output-error", { errorText: "The answer ended before this call's result came back.", approval: { id: "a1", approved: true, reason: null } }) }])]);
    expect(cut!.parts[0]).toMatchObject({ state: "output-error", errorText: "The answer ended before this call's result came back." });
  });
});

describe("safeUrl", () => {
  it.each(["https://example.com/a", "http://example.com", "mailto:someone@example.com"])("keeps %s", (url) => expect(safeUrl(url)).toBe(url));
  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "/relative", "vbscript:x", "file:///etc/passwd"])(
    "drops %s",
    (url) => expect(safeUrl(url)).toBeNull(),
  );
});

describe("createChatTransport", () => {
  const done = () => new Response("data: [DONE]\n\n", { status: 200, headers: { "content-type": "text/event-stream" } });
  const busy = () => new Response(JSON.stringify({ title: "Conflict", status: 409, detail: "The conversation is busy." }), { status: 409, headers: { "content-type": "application/problem+json" } });
  const message: ChatMessage = { id: "m1", role: "user", parts: [{ type: "text", text: "And now?" }] };
  const send = (transport: ReturnType<typeof createChatTransport>, abortSignal?: AbortSignal) =>
    transport.sendMessages({ trigger: "submit-message", chatId: "c", messageId: undefined, messages: [message], abortSignal });

  function transportAnswering(...answers: (() => Response)[]) {
    const calls: string[] = [];
    const transport = createChatTransport({
      baseUrl: "http://api.test",
      getToken: async () => "token",
      conversationId: () => "c",
      fetchImpl: async () => {
        const answer = answers[Math.min(calls.length, answers.length - 1)]!();
        calls.push(String(answer.status));
        return answer;
      },
    });
    return { transport, calls };
  }

  it("sends a message again while the api is still freeing the conversation the user just stopped", async () => {
    const { transport, calls } = transportAnswering(done, busy, busy, done);
    const stopped = new AbortController();
    await send(transport, stopped.signal);
    stopped.abort();
    await send(transport);
    expect(calls).toEqual(["200", "409", "409", "200"]);
  });

  it("shows a busy conversation at once when the user stopped nothing (another tab's turn)", async () => {
    const { transport, calls } = transportAnswering(busy);
    await expect(send(transport)).rejects.toMatchObject({ status: 409 });
    await expect(send(transport)).rejects.toBeInstanceOf(APIError);
    expect(calls).toEqual(["409", "409"]);
  });
});
