"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { APIError, type ConversationSummary, type MessageView, type ToolCallView } from "@/lib/api";
import { applyPart, emptyAssistantMessage, readUiMessageStream, type AssistantMessage } from "@/lib/ui-stream";
import { useApi } from "./ApiProvider";
import { buttonClass, ErrorMessage, inputClass, quietButtonClass } from "./ui";

type Shown = { key: string; role: "user"; text: string } | { key: string; role: "assistant"; message: AssistantMessage } | { key: string; role: "error"; text: string };

function fromStored(message: MessageView): Shown {
  if (message.role === "assistant") {
    return { key: message.id, role: "assistant", message: { id: message.id, text: message.content, toolCalls: message.toolCalls, done: true } };
  }
  return { key: message.id, role: message.role === "user" ? "user" : "error", text: message.content };
}

/** The chat: conversations, a streaming answer, tool-call cards, and approve/deny for destructive tools. */
export function ChatView() {
  const api = useApi();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown[]>([]);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [modelConfigured, setModelConfigured] = useState<boolean | null>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const loadConversations = useCallback(async () => {
    try {
      setConversations(await api.listConversations());
    } catch (e) {
      setError(e instanceof APIError ? e.message : "Could not load the conversations.");
    }
  }, [api]);

  useEffect(() => {
    void loadConversations();
    api.chatModel().then((m) => setModelConfigured(m.configured), () => setModelConfigured(null));
  }, [api, loadConversations]);

  useEffect(() => {
    // A block body: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.
    void endRef.current?.scrollIntoView?.({ block: "end" });
  }, [shown]);

  async function open(id: string) {
    setError(undefined);
    try {
      const detail = await api.getConversation(id);
      setConversationId(id);
      setShown(detail.messages.map(fromStored));
    } catch (e) {
      setError(e instanceof APIError ? e.message : "Could not open the conversation.");
    }
  }

  async function send(request: { message?: string; approvals?: { approvalId: string; approved: boolean }[] }) {
    setBusy(true);
    setError(undefined);
    const key = `pending-${Date.now()}`;
    setShown((s) => [
      ...s,
      ...(request.message ? [{ key: `${key}-user`, role: "user" as const, text: request.message }] : []),
      { key, role: "assistant" as const, message: emptyAssistantMessage() },
    ]);
    try {
      const body = await api.chat({ conversationId, ...request });
      for await (const part of readUiMessageStream(body)) {
        if (part.type === "data-conversation") setConversationId((part.data as { conversationId: string }).conversationId);
        setShown((s) => s.map((m) => (m.key === key && m.role === "assistant" ? { ...m, message: applyPart(m.message, part) } : m)));
      }
      void loadConversations();
    } catch (e) {
      setError(e instanceof APIError ? e.message : "The answer was interrupted.");
      setShown((s) => s.filter((m) => m.key !== key || (m.role === "assistant" && (m.message.text || m.message.toolCalls.length))));
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const message = input.trim();
    if (!message || busy) return;
    setInput("");
    await send({ message });
  }

  async function remove(id: string) {
    try {
      await api.deleteConversation(id);
      if (id === conversationId) {
        setConversationId(null);
        setShown([]);
      }
      await loadConversations();
    } catch (e) {
      setError(e instanceof APIError ? e.message : "Could not delete the conversation.");
    }
  }

  return (
    <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
      <aside aria-label="Conversations" className="space-y-2">
        <button
          type="button"
          className={`${buttonClass} w-full`}
          onClick={() => {
            setConversationId(null);
            setShown([]);
          }}
        >
          New chat
        </button>
        <ul className="space-y-1" data-testid="conversation-list">
          {conversations.map((c) => (
            <li key={c.id} className="group flex items-center gap-1">
              <button
                type="button"
                onClick={() => open(c.id)}
                aria-current={c.id === conversationId ? "true" : undefined}
                className={`flex-1 truncate rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-200 dark:hover:bg-slate-800 ${c.id === conversationId ? "bg-slate-200 font-medium dark:bg-slate-800" : ""}`}
              >
                {c.title}
              </button>
              <button type="button" onClick={() => remove(c.id)} aria-label={`Delete conversation “${c.title}”`} className="rounded px-1.5 text-slate-400 hover:text-red-600">
                ×
              </button>
            </li>
          ))}
          {conversations.length === 0 && <li className="px-2 text-sm text-slate-500">No conversations yet.</li>}
        </ul>
      </aside>

      <section aria-label="Chat" className="flex min-h-[60vh] flex-col rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="flex-1 space-y-4 overflow-y-auto p-4" aria-live="polite" data-testid="messages">
          {shown.length === 0 && (
            <div className="text-sm text-slate-500">
              <p>Ask the assistant to manage your tasks.</p>
              {modelConfigured === false && (
                <p className="mt-2" data-testid="slash-hint">
                  No language model is configured, so the chat takes commands: <code>/add &lt;title&gt;</code>, <code>/list</code>, <code>/done &lt;n&gt;</code>,{" "}
                  <code>/delete &lt;n&gt;</code>, <code>/help</code>.
                </p>
              )}
            </div>
          )}
          {shown.map((m) =>
            m.role === "user" ? (
              <div key={m.key} className="ml-auto max-w-[80%] whitespace-pre-wrap rounded-lg bg-indigo-600 px-3 py-2 text-sm text-white" data-testid="user-message">
                {m.text}
              </div>
            ) : m.role === "error" ? (
              <div key={m.key}>
                <ErrorMessage>{m.text}</ErrorMessage>
              </div>
            ) : (
              <AssistantBubble key={m.key} message={m.message} busy={busy} onApprove={(approvalId, approved) => send({ approvals: [{ approvalId, approved }] })} />
            ),
          )}
          <div ref={endRef} />
        </div>
        <ErrorMessage>{error}</ErrorMessage>
        <form onSubmit={submit} className="flex gap-2 border-t border-slate-200 p-3 dark:border-slate-800">
          <label htmlFor="chat-input" className="sr-only">
            Message
          </label>
          <input
            id="chat-input"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            maxLength={4000}
            placeholder={modelConfigured === false ? "Try /add Buy milk" : "Ask about your tasks…"}
            className={inputClass}
            autoComplete="off"
          />
          <button type="submit" disabled={busy || !input.trim()} className={buttonClass}>
            {busy ? "…" : "Send"}
          </button>
        </form>
      </section>
    </div>
  );
}

function AssistantBubble({ message, busy, onApprove }: { message: AssistantMessage; busy: boolean; onApprove: (approvalId: string, approved: boolean) => void }) {
  return (
    <div className="max-w-[90%] space-y-2" data-testid="assistant-message">
      {message.toolCalls.map((call) => (
        <ToolCard key={call.toolCallId} call={call} busy={busy} onApprove={onApprove} />
      ))}
      {message.text && <div className="whitespace-pre-wrap rounded-lg bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800">{message.text}</div>}
      {!message.done && !message.text && message.toolCalls.length === 0 && (
        <div className="text-sm text-slate-500" role="status">
          Thinking…
        </div>
      )}
      <ErrorMessage>{message.error}</ErrorMessage>
    </div>
  );
}

const stateLabel: Record<ToolCallView["state"], string> = {
  "input-available": "running",
  "approval-requested": "needs your approval",
  "output-available": "done",
  "output-error": "failed",
};

function ToolCard({ call, busy, onApprove }: { call: ToolCallView; busy: boolean; onApprove: (approvalId: string, approved: boolean) => void }) {
  return (
    <details className="rounded-md border border-slate-200 text-xs dark:border-slate-700" open={call.state === "approval-requested"} data-testid="tool-card">
      <summary className="flex cursor-pointer items-center gap-2 px-3 py-1.5">
        <span className="font-mono font-semibold">{call.toolName}</span>
        <span className={call.state === "output-error" ? "text-red-600" : call.state === "approval-requested" ? "text-amber-600" : "text-slate-500"}>{stateLabel[call.state]}</span>
      </summary>
      <div className="space-y-2 border-t border-slate-200 px-3 py-2 dark:border-slate-700">
        <div>
          <p className="font-medium">Arguments</p>
          <pre className="overflow-x-auto whitespace-pre-wrap break-all">{JSON.stringify(call.input ?? {}, null, 2)}</pre>
        </div>
        {call.state === "output-available" && (
          <div>
            <p className="font-medium">Result</p>
            <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all">{typeof call.output === "string" ? call.output : JSON.stringify(call.output, null, 2)}</pre>
          </div>
        )}
        {call.state === "output-error" && <p className="text-red-600">{call.errorText}</p>}
        {call.state === "approval-requested" && call.approvalId && (
          <div className="flex gap-2">
            <button type="button" disabled={busy} className={buttonClass} onClick={() => onApprove(call.approvalId!, true)}>
              Approve
            </button>
            <button type="button" disabled={busy} className={quietButtonClass} onClick={() => onApprove(call.approvalId!, false)}>
              Deny
            </button>
          </div>
        )}
      </div>
    </details>
  );
}
