"use client";

import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";
import { useEffect, useRef, useState } from "react";
import { APIError, type ApiClient, type ToolInfo } from "@/lib/api";
import { approvalQuestion } from "@/lib/domain";
import { errorForView, resultForView, viewDocument, viewMimeType, viewSandbox, type ViewCsp, type ViewToolResult } from "@/lib/views";
import { useApi } from "./ApiProvider";
import { buttonClass, quietButtonClass } from "./ui";

/** A view's HTML and policy, read once per page: the same for every call of its tools. */
const views = new Map<string, Promise<{ html: string; csp?: ViewCsp }>>();

function readView(api: ApiClient, uri: string) {
  let view = views.get(uri);
  if (!view) {
    view = api.readResource(uri).then(({ contents }) => {
      const content = contents.find((c) => c.mimeType === viewMimeType && typeof c.text === "string");
      if (!content?.text) throw new Error(`${uri} is not a view.`);
      const ui = (content.meta as { ui?: { csp?: ViewCsp } } | null | undefined)?.ui;
      return { html: content.text, csp: ui?.csp };
    });
    view.catch(() => views.delete(uri)); // read again next time
    views.set(uri, view);
  }
  return view;
}

const prefersDark = () => window.matchMedia?.("(prefers-color-scheme: dark)").matches === true;

/**
 * A tool's result in its view (MCP Apps): the server's HTML in a sandboxed frame (lib/views.ts says what it may do),
 * driven through the ext-apps host bridge. What the view asks for goes through the api as the signed-in user, as a
 * call by the model does: a tool kept for the model is refused, a destructive one is confirmed here first, outside
 * the frame, where the view cannot answer for the user.
 */
export function ToolView({ tool, tools, input, output }: { tool: ToolInfo; tools: Map<string, ToolInfo>; input: unknown; output: unknown }) {
  const api = useApi();
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(96);
  const [failed, setFailed] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ question: string; answer: (yes: boolean) => void } | null>(null);
  // The call's input and result as they were when the view opened: a stored call does not change.
  const shown = useRef({ input, output });

  useEffect(() => {
    const iframe = frame.current;
    const target = iframe?.contentWindow;
    if (!iframe || !target || !tool.view) return;
    let closed = false;

    const bridge = new AppBridge(
      null,
      { name: "McpStack", version: "1.0.0" },
      { serverTools: {}, serverResources: {} },
      {
        hostContext: {
          theme: prefersDark() ? "dark" : "light",
          platform: "web",
          displayMode: "inline",
          availableDisplayModes: ["inline"],
          locale: navigator.language,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          toolInfo: { tool: { name: tool.name, title: tool.title ?? undefined, description: tool.description, inputSchema: { type: "object" } } },
        },
      },
    );

    const ask = (question: string) => new Promise<boolean>((answer) => setConfirming({ question, answer }));

    bridge.oncalltool = async ({ name, arguments: args }) => {
      const called = tools.get(name);
      if (!called?.visibility.includes("app")) return errorForView(`The view cannot call ${name}.`) as never;
      let confirmed = false;
      if (called.destructive) {
        confirmed = await ask(await approvalQuestion(api, name, args).catch(() => `Run ${name}?`));
        setConfirming(null);
        if (!confirmed) return errorForView("You said no: nothing was changed.") as never;
      }
      try {
        const result = await api.callTool(name, args ?? {}, confirmed);
        const answer: ViewToolResult = result.isError ? errorForView(result.text || `${name} failed.`) : resultForView(result.result ?? result.text);
        return answer as never;
      } catch (e) {
        return errorForView(e instanceof APIError ? e.message : `${name} could not be called. Try again in a moment.`) as never;
      }
    };
    bridge.onreadresource = async ({ uri }) => {
      const { contents } = await api.readResource(uri);
      return {
        contents: contents.map((c) => ({
          uri: c.uri,
          ...(c.mimeType ? { mimeType: c.mimeType } : {}),
          ...(typeof c.text === "string" ? { text: c.text } : { blob: c.blob ?? "" }),
        })),
      } as never;
    };
    bridge.onsizechange = ({ height: wanted }) => {
      if (typeof wanted === "number" && wanted > 0) setHeight(Math.min(Math.ceil(wanted), 2000));
    };
    bridge.oninitialized = () => {
      const { input: args, output: result } = shown.current;
      void bridge.sendToolInput({ arguments: (typeof args === "object" && args !== null ? args : {}) as Record<string, unknown> });
      void bridge.sendToolResult(resultForView(result) as never);
    };

    // The page's theme is the system's (Tailwind's dark: variant); the view follows it as it changes.
    const scheme = window.matchMedia?.("(prefers-color-scheme: dark)");
    const themeChanged = () => void bridge.sendHostContextChange({ theme: prefersDark() ? "dark" : "light" });
    scheme?.addEventListener("change", themeChanged);

    // Listening before the view's document exists: its first message (ui/initialize) is not missed.
    void bridge
      .connect(new PostMessageTransport(target, target))
      .then(() => readView(api, tool.view!))
      .then(({ html, csp }) => {
        if (!closed) iframe.srcdoc = viewDocument(html, csp);
      })
      .catch(() => !closed && setFailed("The view could not be loaded; the result is in the details below."));

    return () => {
      closed = true;
      scheme?.removeEventListener("change", themeChanged);
      void bridge.teardownResource({}).catch(() => undefined).finally(() => void bridge.close());
    };
  }, [api, tool, tools]);

  if (failed) return <p className="text-xs text-slate-500">{failed}</p>;
  return (
    <div className="space-y-2" data-testid="tool-view" data-view={tool.view}>
      <iframe
        ref={frame}
        title={`${tool.title ?? tool.name}: result`}
        sandbox={viewSandbox}
        referrerPolicy="no-referrer"
        className="w-full rounded-md border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900"
        style={{ height }}
      />
      {confirming && (
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-700 dark:bg-amber-950" role="alertdialog" aria-label="Confirm" data-testid="view-confirm">
          <span className="flex-1">{confirming.question}</span>
          <button type="button" className={buttonClass} onClick={() => confirming.answer(true)}>
            Yes
          </button>
          <button type="button" className={quietButtonClass} onClick={() => confirming.answer(false)}>
            No
          </button>
        </div>
      )}
    </div>
  );
}
