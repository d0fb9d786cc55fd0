import type { ToolCallView } from "./api";

/** One part of the AI SDK UI message stream, as the api sends it. */
export type StreamPart =
  | { type: "start"; messageId: string }
  | { type: "data-conversation"; data: { conversationId: string; userMessageId: string } }
  | { type: "text-start" | "text-end"; id: string }
  | { type: "text-delta"; id: string; delta: string }
  | { type: "tool-input-available"; toolCallId: string; toolName: string; input: Record<string, unknown> }
  | { type: "tool-output-available"; toolCallId: string; output: unknown }
  | { type: "tool-output-error"; toolCallId: string; errorText: string }
  | { type: "tool-approval-request"; approvalId: string; toolCallId: string }
  | { type: "error"; errorText: string }
  | { type: "finish"; messageMetadata?: Record<string, unknown> }
  | { type: string; [key: string]: unknown };

/** Reads server-sent events from a byte stream and yields their JSON parts, up to `[DONE]`. */
export async function* readUiMessageStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamPart> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (!data) continue;
        if (data === "[DONE]") return;
        yield JSON.parse(data) as StreamPart;
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

/** An assistant message being built from the stream. */
export interface AssistantMessage {
  id: string;
  text: string;
  toolCalls: ToolCallView[];
  error?: string;
  done: boolean;
}

export function emptyAssistantMessage(): AssistantMessage {
  return { id: "", text: "", toolCalls: [], done: false };
}

/** Applies one part to the message; pure, so React state and tests use it alike. */
export function applyPart(message: AssistantMessage, part: StreamPart): AssistantMessage {
  const updateCall = (toolCallId: string, change: Partial<ToolCallView>) => ({
    ...message,
    toolCalls: message.toolCalls.map((c) => (c.toolCallId === toolCallId ? { ...c, ...change } : c)),
  });
  switch (part.type) {
    case "start":
      return { ...message, id: String(part.messageId) };
    case "text-delta":
      return { ...message, text: message.text + String(part.delta) };
    case "tool-input-available": {
      const p = part as Extract<StreamPart, { type: "tool-input-available" }>;
      if (message.toolCalls.some((c) => c.toolCallId === p.toolCallId)) return message;
      return { ...message, toolCalls: [...message.toolCalls, { toolCallId: p.toolCallId, toolName: p.toolName, input: p.input, state: "input-available", output: null, errorText: null, approvalId: null }] };
    }
    case "tool-output-available":
      return updateCall(String(part.toolCallId), { state: "output-available", output: part.output });
    case "tool-output-error":
      return updateCall(String(part.toolCallId), { state: "output-error", errorText: String(part.errorText) });
    case "tool-approval-request":
      return updateCall(String(part.toolCallId), { state: "approval-requested", approvalId: String(part.approvalId) });
    case "error":
      return { ...message, error: String(part.errorText) };
    case "finish":
      return { ...message, done: true };
    default:
      return message;
  }
}
