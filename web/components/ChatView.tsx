"use client";

import { useChat } from "@ai-sdk/react";
import { getToolName, isToolUIPart, lastAssistantMessageIsCompleteWithApprovalResponses, type DynamicToolUIPart, type ToolUIPart } from "ai";

/** A tool call as useChat holds it: named by the stream (tool-<name>) or dynamic. */
type ToolPart = ToolUIPart | DynamicToolUIPart;
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toast, Toaster } from "sonner";
import { APIError, type ConversationSummary, type PromptInfo, type ToolInfo } from "@/lib/api";
import { createChatTransport, toUIMessages, type ChatMessage } from "@/lib/chat";
import { argumentTyped, promptCall, slashItems, valueItems, type SlashItem } from "@/lib/slash";
import { approvalFallback, approvalQuestion, chatIntro, chatPlaceholder, chatSuggestions, slashCommands, slashPlaceholder, slashSuggestions } from "@/lib/domain";
import { useApi } from "./ApiProvider";
import { Markdown } from "./Markdown";
import { SlashMenu } from "./SlashMenu";
import { ToolView } from "./ToolView";
import { buttonClass, ErrorMessage, inputClass, quietButtonClass } from "./ui";

/** How long the page waits for a turn that just ended to be stored (Stop: the api stores the answer so far). */
const storedTurnWait = { attempts: 25, delayMs: 200 };
/** How long it waits after the stream was cut off: the api back, and the turn stored or said to be interrupted. */
const afterDisconnectWait = { attempts: 60, delayMs: 1000 };

/** How long the page waits, after asking the api to stop, for the answer's stream to end before it stops listening. */
const stopGrace = 5_000;

/** Puts the open conversation in the address (?c=…), so a reload opens it again; replaced, not a history entry. */
function remember(id: string | null) {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set("c", id);
  else url.searchParams.delete("c");
  window.history.replaceState(window.history.state, "", url);
}

/** What went wrong, and what to do about it, for a person. */
function describe(error: unknown, fallback: string): string {
  if (error instanceof APIError) {
    if (error.status === 409) return `${error.message} Wait for the answer that is being written, then send again.`;
    if (error.status === 401) return "Your session has ended. Sign in again.";
    return error.message;
  }
  return fallback;
}

/**
 * The chat, on the AI SDK's useChat: conversations, the answer in markdown as it streams, tool cards, approvals the
 * user can judge, stop and retry. What is McpStack's own (the request shape, the stored conversations) is in lib/chat.ts.
 */
export function ChatView() {
  const api = useApi();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [modelConfigured, setModelConfigured] = useState<boolean | null>(null);
  // The MCP server's tools (their views, MCP Apps) and prompts (the slash menu); without them, JSON cards and no menu.
  const [tools, setTools] = useState<Map<string, ToolInfo>>(() => new Map());
  const [prompts, setPrompts] = useState<PromptInfo[]>([]);
  const [input, setInput] = useState("");
  // The transport reads the id when it sends (a ref: also for the sends useChat makes itself, after an approval); the
  // conversation list renders from the state. show() and onData set both.
  const conversationId = useRef<string | null>(null);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const loadConversations = useCallback(async () => {
    try {
      setConversations(await api.listConversations());
    } catch (e) {
      toast.error(describe(e, "Could not load the conversations. Reload the page to try again."));
    }
  }, [api]);

  const transport = useMemo(
    () => createChatTransport({ baseUrl: api.baseUrl, getToken: api.getToken, conversationId: () => conversationId.current }),
    [api],
  );
  const { messages, setMessages, sendMessage, status, stop, regenerate, resumeStream, addToolApprovalResponse, error, clearError } = useChat<ChatMessage>({
    transport,
    // An answered approval goes back at once: the api runs (or skips) the call and the model goes on.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onData: (part) => {
      if (part.type === "data-conversation") {
        const id = (part.data as { conversationId: string }).conversationId;
        conversationId.current = id;
        setCurrentId(id);
        remember(id);
        // Stop pressed before the conversation had an id: it can be asked now.
        if (stopPending.current) void stopAnswer();
      }
    },
    // The stored conversation is what the page shows once a turn is over: the same cards and states after a reload.
    onFinish: ({ isError }) => {
      void loadConversations();
      if (!isError) void showStored(conversationId.current);
    },
    onError: (e) => {
      toast.error(describe(e, "The answer was interrupted. Try again in a moment."));
      // A turn that failed as it ran is stored with its error, and a refused approval answer (answered in another tab,
      // say) leaves the conversation as it is stored: show that. A message refused before it ran (409, 429) stays on
      // the page to be sent again.
      // A stream cut off (the api went away mid-answer) is waited out longer: until the answer is stored, or the api
      // says its replica went silent (Chat:ProgressStaleAfter) and the conversation says it was interrupted.
      if (!(e instanceof APIError)) void showStored(conversationId.current, afterDisconnectWait);
      else if (e.status === 400) void showStored(conversationId.current);
    },
  });
  const busy = status === "submitted" || status === "streaming";
  const statusNow = useRef(status);
  statusNow.current = status;
  const stopPending = useRef(false);

  /**
   * Stop (the button, or Escape): asks the api to stop the answer, wherever it is being written; it is kept as
   * stopped, and the stream ends by itself once it is. Only if the api cannot be asked does the page stop listening.
   */
  async function stopAnswer() {
    const id = conversationId.current;
    stopPending.current = id === null;
    if (id === null) return;
    try {
      await api.stopTurn(id);
    } catch {
      await stop();
      return;
    }
    setTimeout(() => {
      if (conversationId.current === id && (statusNow.current === "submitted" || statusNow.current === "streaming")) void stop();
    }, stopGrace);
  }

  /**
   * Replaces the page's messages with the stored conversation, once its turn is over (after Stop, the api stores the
   * answer so far a moment later). Left alone if the user has meanwhile sent something or opened another conversation.
   */
  const showStored = useCallback(
    async (id: string | null, wait = storedTurnWait) => {
      if (!id) return;
      for (let attempt = 0; attempt < wait.attempts; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, wait.delayMs));
        let stored;
        try {
          stored = await api.getConversation(id);
        } catch {
          continue; // unreachable for now; what the stream showed stays meanwhile
        }
        const idle = statusNow.current !== "submitted" && statusNow.current !== "streaming";
        if (conversationId.current !== id || !idle) return;
        if (!stored.turnRunning) {
          clearError(); // a failed turn's error is in the stored messages now
          setMessages(toUIMessages(stored.messages));
          return;
        }
      }
    },
    [api, clearError, setMessages],
  );

  useEffect(() => {
    void loadConversations();
    api.chatModel().then((m) => setModelConfigured(m.configured), () => setModelConfigured(null));
    api.listTools().then((list) => setTools(new Map(list.map((t) => [t.name, t]))), () => undefined);
    api.listPrompts().then(setPrompts, () => undefined);
  }, [api, loadConversations]);

  // The values the server offers for the prompt argument being typed (`/triage_overdue h` → high), asked once typing
  // pauses; an answer for what is no longer typed is dropped, and a failed one only leaves the menu empty.
  const typedArgument = modelConfigured ? argumentTyped(input, prompts) : null;
  const typedKey = typedArgument && `${typedArgument.prompt}\u0000${typedArgument.argument}\u0000${typedArgument.value}\u0000${typedArgument.before}`;
  const [values, setValues] = useState<{ key: string; items: SlashItem[] } | null>(null);
  useEffect(() => {
    if (!typedArgument || !typedKey) return;
    let current = true;
    const timer = setTimeout(() => {
      api.completePromptArgument(typedArgument.prompt, typedArgument.argument, typedArgument.value).then(
        (completion) => current && setValues({ key: typedKey, items: valueItems(typedArgument, completion.values) }),
        () => undefined,
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // typedKey stands for typedArgument, a new object on every render.
  }, [api, typedKey]);

  useEffect(() => {
    // A block body: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.
    void endRef.current?.scrollIntoView?.({ block: "end" });
  }, [messages]);

  // Leaving a conversation while its answer is written stops listening to it, so none of it lands in the conversation
  // shown next; the answer goes on, and opening the conversation again follows it from where it has got.
  async function leave() {
    if (busy) await stop();
  }

  function show(id: string | null, shown: ChatMessage[]) {
    conversationId.current = id;
    setCurrentId(id);
    remember(id);
    clearError();
    setMessages(shown);
  }

  async function open(id: string) {
    try {
      await leave();
      const stored = await api.getConversation(id);
      show(id, toUIMessages(stored.messages));
      // An answer is being written in it (after a reload, in another tab, on any replica): follow it.
      if (stored.turnRunning) void resumeStream();
    } catch (e) {
      toast.error(describe(e, "Could not open the conversation."));
    }
  }

  // The conversation in the address (?c=…): a reload, or a link, opens it again. Once, on the first render.
  const openedFromAddress = useRef(false);
  useEffect(() => {
    if (openedFromAddress.current) return;
    openedFromAddress.current = true;
    const id = new URLSearchParams(window.location.search).get("c");
    if (id) void open(id);
  });

  async function remove(id: string) {
    try {
      const current = id === conversationId.current;
      if (current) await leave();
      await api.deleteConversation(id);
      if (current) show(null, []);
      await loadConversations();
    } catch (e) {
      toast.error(describe(e, "Could not delete the conversation."));
    }
  }

  function send(text: string) {
    const message = text.trim();
    if (!message || busy) return;
    const prompt = modelConfigured ? promptCall(message, prompts) : null;
    setInput("");
    stopPending.current = false;
    if (!prompt) {
      void sendMessage({ text: message });
      return;
    }
    // One of the MCP server's prompts: the server fills it in for this user, and its text is the message.
    api.getPrompt(prompt.name, prompt.args).then(
      (filled) => void sendMessage({ text: filled.text }),
      (e) => {
        setInput(message);
        toast.error(describe(e, `Could not fill in /${prompt.name}.`));
      },
    );
  }

  const names = slashItems(input, modelConfigured === false ? slashCommands : [], modelConfigured ? prompts : []);
  const menu = names.length > 0 ? names : values && values.key === typedKey ? values.items : [];
  function pick(item: SlashItem) {
    if (item.kind === "value") setInput(item.input ?? input);
    else if (item.kind === "prompt" && !item.takesArguments) send(`/${item.name}`);
    else setInput(`/${item.name} `);
  }

  const last = messages.at(-1);
  // A turn that failed (stored as an error, or refused before it ran) can be sent again.
  const canRetry = !busy && last !== undefined && (status === "error" || last.metadata?.error === true);

  return (
    <>
      <Toaster position="top-center" richColors closeButton />
      <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
        <aside aria-label="Conversations" className="space-y-2">
          <button type="button" className={`${buttonClass} w-full`} onClick={() => void leave().then(() => show(null, []))}>
            New chat
          </button>
          <ul className="space-y-1" data-testid="conversation-list">
            {conversations.map((c) => (
              <li key={c.id} className="group flex items-center gap-1">
                <button
                  type="button"
                  onClick={() => open(c.id)}
                  aria-current={c.id === currentId ? "true" : undefined}
                  className={`flex-1 truncate rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-200 dark:hover:bg-slate-800 ${c.id === currentId ? "bg-slate-200 font-medium dark:bg-slate-800" : ""}`}
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

        <section aria-label="Chat" className="flex min-h-[60vh] min-w-0 flex-col rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div className="flex-1 space-y-4 overflow-y-auto p-4" aria-live="polite" data-testid="messages">
            {messages.length === 0 && (
              <div className="space-y-3 text-sm text-slate-500">
                <p>{chatIntro}</p>
                {modelConfigured === false && (
                  <p data-testid="slash-hint">
                    No language model is configured, so the chat takes commands:{" "}
                    {/*#if (sampleTasks)*/}
                    <code>/add &lt;title&gt;</code>, <code>/list</code>, <code>/done &lt;n&gt;</code>, <code>/delete &lt;n&gt;</code>,{" "}
                    {/*#endif*/}
                    <code>/help</code>.
                  </p>
                )}
                {modelConfigured !== null && (
                  <div className="flex flex-wrap gap-2" data-testid="suggestions">
                    {(modelConfigured ? chatSuggestions : slashSuggestions).map((s) => (
                      <button key={s} type="button" className={quietButtonClass} onClick={() => send(s)}>
                        {s}
                      </button>
                    ))}
                  </div>
                )}
              </div>
            )}
            {messages.map((m) =>
              m.role === "user" ? (
                <div key={m.id} className="ml-auto max-w-[80%] whitespace-pre-wrap break-words rounded-lg bg-indigo-600 px-3 py-2 text-sm text-white" data-testid="user-message">
                  {textOf(m)}
                </div>
              ) : m.metadata?.error ? (
                <div key={m.id}>
                  <ErrorMessage>{textOf(m)}</ErrorMessage>
                </div>
              ) : (
                <AssistantMessage key={m.id} message={m} busy={busy} tools={tools} onApprove={(id, approved) => addToolApprovalResponse({ id, approved })} />
              ),
            )}
            {status === "submitted" && (
              <div className="text-sm text-slate-500" role="status">
                Thinking…
              </div>
            )}
            {error && <ErrorMessage>{describe(error, "The answer was interrupted.")}</ErrorMessage>}
            {canRetry && (
              <button type="button" className={quietButtonClass} onClick={() => (status === "error" ? void regenerate() : send(lastUserText(messages)))}>
                Retry
              </button>
            )}
            <div ref={endRef} />
          </div>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              send(input);
            }}
            className="relative flex items-end gap-2 border-t border-slate-200 p-3 dark:border-slate-800"
          >
            <label htmlFor="chat-input" className="sr-only">
              Message
            </label>
            {menu.length > 0 && <SlashMenu items={menu} onPick={pick} />}
            <textarea
              id="chat-input"
              value={input}
              rows={1}
              onChange={(e) => setInput(e.target.value)}
              onKeyDown={(e) => {
                // Enter sends, Shift+Enter is a new line, Escape stops the answer being written.
                if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  send(input);
                } else if (e.key === "Escape" && busy) {
                  e.preventDefault();
                  void stopAnswer();
                }
              }}
              maxLength={4000}
              placeholder={modelConfigured === false ? slashPlaceholder : chatPlaceholder}
              className={`${inputClass} max-h-40 resize-y`}
              autoComplete="off"
            />
            {busy ? (
              <button type="button" onClick={() => void stopAnswer()} className={quietButtonClass}>
                Stop
              </button>
            ) : (
              <button type="submit" disabled={!input.trim()} className={buttonClass}>
                Send
              </button>
            )}
          </form>
        </section>
      </div>
    </>
  );
}

const textOf = (m: ChatMessage) => m.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");

function lastUserText(messages: ChatMessage[]): string {
  const last = messages.findLast((m) => m.role === "user");
  return last ? textOf(last) : "";
}

function AssistantMessage({ message, busy, tools, onApprove }: { message: ChatMessage; busy: boolean; tools: Map<string, ToolInfo>; onApprove: (approvalId: string, approved: boolean) => void }) {
  return (
    <div className="max-w-[90%] space-y-2" data-testid="assistant-message">
      {message.parts.map((part, i) =>
        isToolUIPart(part) ? (
          <ToolResult key={part.toolCallId} part={part} busy={busy} tools={tools} onApprove={onApprove} />
        ) : part.type === "text" && part.text ? (
          <div key={i} className="rounded-lg bg-slate-100 px-3 py-2 dark:bg-slate-800" data-testid="assistant-text">
            <Markdown text={part.text} />
          </div>
        ) : null,
      )}
    </div>
  );
}

/** The tool call's state in a few words; an answered approval says what came of it. */
function stateLabel(part: ToolPart): string {
  switch (part.state) {
    case "approval-requested":
      return "needs your approval";
    case "approval-responded":
      return part.approval.approved ? "approved, running…" : "denied";
    case "output-available":
      return part.approval?.approved ? "approved and done" : "done";
    case "output-error":
      return "failed";
    case "output-denied":
      return "denied";
    default:
      return "running";
  }
}

/** A call's view (MCP Apps) once its result is in, when its tool has one; the call's card, with the JSON, below it. */
function ToolResult({ part, busy, tools, onApprove }: { part: ToolPart; busy: boolean; tools: Map<string, ToolInfo>; onApprove: (approvalId: string, approved: boolean) => void }) {
  const tool = tools.get(getToolName(part));
  if (part.state !== "output-available" || !tool?.view) return <ToolCard part={part} busy={busy} onApprove={onApprove} />;
  return (
    <>
      <ToolView tool={tool} tools={tools} input={part.input} output={part.output} />
      <ToolCard part={part} busy={busy} onApprove={onApprove} />
    </>
  );
}

function ToolCard({ part, busy, onApprove }: { part: ToolPart; busy: boolean; onApprove: (approvalId: string, approved: boolean) => void }) {
  const name = getToolName(part);
  const waiting = part.state === "approval-requested";
  const failed = part.state === "output-error";
  return (
    <details className="rounded-md border border-slate-200 text-xs dark:border-slate-700" open={waiting} data-testid="tool-card" data-state={part.state}>
      <summary className="cursor-pointer select-none px-3 py-1.5">
        <span className="font-mono">{name}</span> ·{" "}
        <span className={failed ? "text-red-600" : waiting ? "text-amber-600" : "text-slate-500"}>{stateLabel(part)}</span>
      </summary>
      <div className="space-y-2 border-t border-slate-200 px-3 py-2 dark:border-slate-700">
        {part.approval && <ApprovalQuestion name={name} input={part.input} output={part.state === "output-available" ? part.output : undefined} />}
        {part.approval?.approved !== undefined && (
          <p className="text-sm" data-testid="approval-answer">
            {part.approval.approved ? "You approved it." : "You denied it."}
            {part.approval.reason && <span className="text-slate-500"> {part.approval.reason}</span>}
          </p>
        )}
        <pre className="overflow-x-auto whitespace-pre-wrap break-all text-slate-600 dark:text-slate-400">{JSON.stringify(part.input ?? {}, null, 2)}</pre>
        {part.state === "output-available" && (
          <pre className="overflow-x-auto whitespace-pre-wrap break-all" data-testid="tool-output">
            {JSON.stringify(part.output, null, 2)}
          </pre>
        )}
        {failed && <p className="text-red-600">{part.errorText}</p>}
        {waiting && (
          <div className="flex gap-2">
            <button type="button" className={buttonClass} disabled={busy} onClick={() => onApprove(part.approval.id, true)}>
              Approve
            </button>
            <button type="button" className={quietButtonClass} disabled={busy} onClick={() => onApprove(part.approval.id, false)}>
              Deny
            </button>
          </div>
        )}
      </div>
    </details>
  );
}

/** What approving does (or did), in the user's words (lib/domain.ts: the task's title, not its id). */
function ApprovalQuestion({ name, input, output }: { name: string; input: unknown; output?: unknown }) {
  const api = useApi();
  const [question, setQuestion] = useState(() => approvalFallback(name));
  const inputKey = JSON.stringify(input ?? null);
  const outputKey = JSON.stringify(output ?? null);
  useEffect(() => {
    let current = true;
    approvalQuestion(api, name, JSON.parse(inputKey), JSON.parse(outputKey) ?? undefined).then(
      (q) => current && setQuestion(q),
      () => current && setQuestion(approvalFallback(name)),
    );
    return () => {
      current = false;
    };
  }, [api, inputKey, outputKey, name]);
  return (
    <p className="text-sm font-medium" data-testid="approval-question">
      {question}
    </p>
  );
}
