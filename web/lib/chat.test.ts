import { describe, expect, it } from "vitest";
import { chatRequestFor, toUIMessages, type ChatMessage } from "./chat";
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
  it("turns a stored conversation into UI messages: tool parts with their state, errors marked", () => {
    const shown = toUIMessages([
      { id: "u", role: "user", content: "delete it", toolCalls: [], createdAt: "", inputTokens: null, outputTokens: null },
      {
        id: "a",
        role: "assistant",
        content: "",
        createdAt: "",
        inputTokens: null,
        outputTokens: null,
        toolCalls: [{ toolCallId: "t1", toolName: "delete_task", input: { id: "x" }, state: "approval-requested", output: null, errorText: null, approvalId: "a1" }],
      },
      { id: "e", role: "error", content: "The assistant could not finish.", toolCalls: [], createdAt: "", inputTokens: null, outputTokens: null },
    ]);
    expect(shown[0]).toEqual({ id: "u", role: "user", parts: [{ type: "text", text: "delete it" }] });
    expect(shown[1]!.parts).toEqual([{ type: "tool-delete_task", toolCallId: "t1", input: { id: "x" }, state: "approval-requested", approval: { id: "a1" } }]);
    expect(shown[2]).toMatchObject({ role: "assistant", metadata: { error: true } });
  });
});

describe("safeUrl", () => {
  it.each(["https://example.com/a", "http://example.com", "mailto:someone@example.com"])("keeps %s", (url) => expect(safeUrl(url)).toBe(url));
  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "/relative", "vbscript:x", "file:///etc/passwd"])(
    "drops %s",
    (url) => expect(safeUrl(url)).toBeNull(),
  );
});
