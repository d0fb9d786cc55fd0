import { DefaultChatTransport, isToolUIPart, type UIMessage } from "ai";
import { refused, unreachable, type ChatRequest, type MessageView, type ToolCallView } from "./api";

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

/**
 * A conversation as the api stored it, as the UI messages useChat holds: the same message ids and parts, in the same
 * order, as the turn showed live (the api shows an approval's answer inside the call it answers).
 */
export function toUIMessages(stored: MessageView[]): ChatMessage[] {
  return stored.map((m): ChatMessage => {
    if (m.role === "user") return { id: m.id, role: "user", parts: [{ type: "text", text: m.content }] };
    if (m.role !== "assistant") return { id: m.id, role: "assistant", metadata: { error: true }, parts: [{ type: "text", text: m.content }] };
    return { id: m.id, role: "assistant", parts: m.parts.flatMap((p) => (p.toolCall ? [toolPart(p.toolCall)] : p.text ? [{ type: "text" as const, text: p.text, state: "done" as const }] : [])) };
  });
}

function toolPart(c: ToolCallView): ChatMessage["parts"][number] {
  const base = { type: `tool-${c.toolName}` as const, toolCallId: c.toolCallId, input: c.input ?? {} };
  const approval = c.approval ? { id: c.approval.id, ...(c.approval.reason ? { reason: c.approval.reason } : {}) } : undefined;
  switch (c.state) {
    case "output-available":
      return { ...base, state: "output-available", output: c.output, ...(approval ? { approval: { ...approval, approved: true as const } } : {}) };
    case "output-error":
      return { ...base, state: "output-error", errorText: c.errorText ?? "The tool failed.", ...(approval?.id && c.approval?.approved ? { approval: { ...approval, approved: true as const } } : {}) };
    case "approval-requested":
      return { ...base, state: "approval-requested", approval: { id: approval?.id ?? "" } };
    case "approval-responded":
      return { ...base, state: "approval-responded", approval: { id: approval?.id ?? "", approved: c.approval?.approved ?? true, ...(approval?.reason ? { reason: approval.reason } : {}) } };
    case "output-denied":
      return { ...base, state: "output-denied", approval: { id: approval?.id ?? "", approved: false as const, ...(approval?.reason ? { reason: approval.reason } : {}) } };
    default:
      return { ...base, state: "input-available" };
  }
}

/**
 * After Stop, the api frees the conversation once it notices the aborted request and has stored the answer so far:
 * a moment, longer on a busy server. A message sent within that moment gets 409 (busy); it is sent again for up to
 * this long instead of being refused. A 409 without a stop just before is another tab's turn, and is shown.
 */
export const busyAfterStopRetry = { windowMs: 10_000, attempts: 15, delayMs: 200 };

/** The transport to the api's POST /api/chat: the bearer token, McpStack's request body, problem details as APIError. */
export function createChatTransport({
  baseUrl,
  getToken,
  conversationId,
  fetchImpl = (input, init) => fetch(input, init),
}: {
  baseUrl: string;
  getToken: () => Promise<string>;
  conversationId: () => string | null;
  fetchImpl?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
}) {
  let stoppedAt = Number.NEGATIVE_INFINITY;
  const send = async (input: RequestInfo | URL, init?: RequestInit) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw unreachable(baseUrl);
    }
  };
  return new DefaultChatTransport<ChatMessage>({
    api: `${baseUrl.replace(/\/$/, "")}/api/chat`,
    headers: async () => ({ Authorization: `Bearer ${await getToken()}` }),
    prepareSendMessagesRequest: ({ messages }) => ({ body: chatRequestFor(messages, conversationId()) }),
    // useChat's resumeStream: the answer being written in the open conversation, followed from where it has got (204 when none).
    prepareReconnectToStreamRequest: ({ headers }) => ({ api: `${baseUrl.replace(/\/$/, "")}/api/conversations/${conversationId()}/stream`, headers }),
    fetch: async (input, init) => {
      init?.signal?.addEventListener("abort", () => (stoppedAt = Date.now()), { once: true });
      let response = await send(input, init);
      for (let attempt = 1; response.status === 409 && Date.now() - stoppedAt < busyAfterStopRetry.windowMs && attempt < busyAfterStopRetry.attempts; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, busyAfterStopRetry.delayMs));
        response = await send(input, init);
      }
      if (!response.ok) throw refused(response, await response.json().catch(() => ({})));
      return response;
    },
  });
}
