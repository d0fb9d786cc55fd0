import { DefaultChatTransport, isToolUIPart, type UIMessage } from "ai";
import { refused, unreachable, type ChatRequest, type MessageView } from "./api";

/**
 * What is McpStack's own in the chat, on top of the AI SDK's `useChat`: the request the api takes (one message, or the
 * answers to approval requests, plus the conversation id: the api keeps the history), the stored conversation as UI
 * messages, and problem details as APIError.
 */

/** A stored message the turn ended with as an error: shown as one, not as the assistant's words. */
export type ChatMetadata = { error?: boolean };
export type ChatMessage = UIMessage<ChatMetadata>;

/** The api's request for what the user just did: the new message, or their answers to the open approval requests. */
export function chatRequestFor(messages: ChatMessage[], conversationId: string | null): ChatRequest {
  const last = messages.at(-1);
  if (last?.role === "user") {
    return { conversationId, message: last.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("") };
  }
  const approvals = (last?.parts ?? []).flatMap((p) =>
    isToolUIPart(p) && p.state === "approval-responded" ? [{ approvalId: p.approval.id, approved: p.approval.approved, reason: p.approval.reason ?? null }] : [],
  );
  return { conversationId, approvals };
}

/** A conversation as the api stored it, as the UI messages useChat holds. */
export function toUIMessages(stored: MessageView[]): ChatMessage[] {
  return stored.map((m): ChatMessage => {
    if (m.role === "user") return { id: m.id, role: "user", parts: [{ type: "text", text: m.content }] };
    if (m.role !== "assistant") return { id: m.id, role: "assistant", metadata: { error: true }, parts: [{ type: "text", text: m.content }] };
    const tools = m.toolCalls.map((c) => {
      const base = { type: `tool-${c.toolName}` as const, toolCallId: c.toolCallId, input: c.input ?? {} };
      switch (c.state) {
        case "output-available":
          return { ...base, state: "output-available" as const, output: c.output };
        case "output-error":
          return { ...base, state: "output-error" as const, errorText: c.errorText ?? "The tool failed." };
        case "approval-requested":
          return { ...base, state: "approval-requested" as const, approval: { id: c.approvalId ?? "" } };
        case "output-denied":
          return { ...base, state: "output-denied" as const, approval: { id: c.approvalId ?? "", approved: false as const } };
        default:
          return { ...base, state: "input-available" as const };
      }
    });
    return { id: m.id, role: "assistant", parts: [...tools, ...(m.content ? [{ type: "text" as const, text: m.content }] : [])] };
  });
}

/** The transport to the api's POST /api/chat: the bearer token, McpStack's request body, problem details as APIError. */
export function createChatTransport({ baseUrl, getToken, conversationId }: { baseUrl: string; getToken: () => Promise<string>; conversationId: () => string | null }) {
  return new DefaultChatTransport<ChatMessage>({
    api: `${baseUrl.replace(/\/$/, "")}/api/chat`,
    headers: async () => ({ Authorization: `Bearer ${await getToken()}` }),
    prepareSendMessagesRequest: ({ messages }) => ({ body: chatRequestFor(messages, conversationId()) }),
    fetch: async (input, init) => {
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        if (error instanceof DOMException && error.name === "AbortError") throw error;
        throw unreachable(baseUrl);
      }
      if (!response.ok) throw refused(response, await response.json().catch(() => ({})));
      return response;
    },
  });
}
