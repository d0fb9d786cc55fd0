import { describe, expect, it } from "vitest";
import { applyPart, emptyAssistantMessage, readUiMessageStream, type StreamPart } from "./ui-stream";

function streamOf(...chunks: string[]) {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>) {
  const parts: StreamPart[] = [];
  for await (const part of readUiMessageStream(body)) parts.push(part);
  return parts;
}

describe("readUiMessageStream", () => {
  it("yields each event's JSON and stops at [DONE]", async () => {
    const parts = await collect(streamOf('data: {"type":"start","messageId":"m1"}\n\n', 'data: {"type":"text-delta","id":"t","delta":"Hi"}\n\ndata: [DONE]\n\n', 'data: {"type":"ignored"}\n\n'));
    expect(parts.map((p) => p.type)).toEqual(["start", "text-delta"]);
  });

  it("reassembles events split across chunks and CRLF line ends", async () => {
    const parts = await collect(streamOf('data: {"type":"text-de', 'lta","id":"t","delta":"a b"}\r\n', "\r\n", 'data: {"type":"finish"}\n\n'));
    expect(parts).toEqual([{ type: "text-delta", id: "t", delta: "a b" }, { type: "finish" }]);
  });

  it("ignores comments and other fields", async () => {
    const parts = await collect(streamOf(': keep-alive\n\n', 'event: message\ndata: {"type":"finish"}\n\n'));
    expect(parts).toEqual([{ type: "finish" }]);
  });
});

describe("applyPart", () => {
  it("builds text and tool calls in order", () => {
    const parts: StreamPart[] = [
      { type: "start", messageId: "m1" },
      { type: "tool-input-available", toolCallId: "c1", toolName: "add_task", input: { title: "milk" } },
      { type: "tool-output-available", toolCallId: "c1", output: { title: "milk" } },
      { type: "text-delta", id: "t1", delta: "Added " },
      { type: "text-delta", id: "t1", delta: "milk." },
      { type: "finish" },
    ];
    const message = parts.reduce(applyPart, emptyAssistantMessage());
    expect(message.id).toBe("m1");
    expect(message.text).toBe("Added milk.");
    expect(message.toolCalls).toEqual([{ toolCallId: "c1", toolName: "add_task", input: { title: "milk" }, state: "output-available", output: { title: "milk" }, errorText: null, approvalId: null }]);
    expect(message.done).toBe(true);
  });

  it("records tool errors, approval requests and stream errors", () => {
    let message = applyPart(emptyAssistantMessage(), { type: "tool-input-available", toolCallId: "c1", toolName: "delete_task", input: { id: "x" } });
    message = applyPart(message, { type: "tool-approval-request", approvalId: "a1", toolCallId: "c1" });
    expect(message.toolCalls[0]).toMatchObject({ state: "approval-requested", approvalId: "a1" });
    message = applyPart(message, { type: "tool-output-error", toolCallId: "c1", errorText: "No task" });
    expect(message.toolCalls[0]).toMatchObject({ state: "output-error", errorText: "No task" });
    message = applyPart(message, { type: "error", errorText: "Model down" });
    expect(message.error).toBe("Model down");
  });
});
