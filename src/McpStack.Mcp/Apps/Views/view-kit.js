// The view's side of MCP Apps (extension io.modelcontextprotocol/ui, protocol 2026-01-26): JSON-RPC over postMessage
// with the host that framed this view. It is small on purpose: the ext-apps App class bundles to 650 KB with its
// dependencies, per view; this is what the views here use of it. McpStack's browser tests run it against the
// ext-apps host bridge (AppBridge), the host side other hosts use too.
"use strict";
const view = (() => {
  const protocolVersion = "2026-01-26";
  const pending = new Map();
  const listeners = { input: [], result: [], context: [], cancelled: [] };
  let nextId = 1;
  let hostContext = {};

  const post = (message) => window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");

  function request(method, params) {
    const id = nextId++;
    post({ id, method, params });
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  }

  function applyContext(context) {
    hostContext = { ...hostContext, ...context };
    const root = document.documentElement;
    if (hostContext.theme === "light" || hostContext.theme === "dark") root.dataset.theme = hostContext.theme;
    for (const [name, value] of Object.entries(hostContext.styles?.variables ?? {})) {
      if (name.startsWith("--") && typeof value === "string") root.style.setProperty(name, value);
    }
    for (const listener of listeners.context) listener(hostContext);
  }

  window.addEventListener("message", (event) => {
    // Only the frame's host speaks to the view.
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined) {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message ?? "The host refused the request."));
      else waiting.resolve(message.result);
      return;
    }
    const params = message.params ?? {};
    switch (message.method) {
      case "ui/notifications/tool-input":
        for (const listener of listeners.input) listener(params.arguments ?? {});
        break;
      case "ui/notifications/tool-result":
        for (const listener of listeners.result) listener(params);
        break;
      case "ui/notifications/tool-cancelled":
        for (const listener of listeners.cancelled) listener(params.reason);
        break;
      case "ui/notifications/host-context-changed":
        applyContext(params);
        break;
      case "ui/resource-teardown":
      case "ping":
        post({ id: message.id, result: {} });
        break;
      default:
        if (message.id !== undefined) post({ id: message.id, error: { code: -32601, message: `The view does not handle ${message.method}.` } });
    }
  });

  // The host sizes the frame to the view: the height of what is shown, as it changes.
  let lastHeight = 0;
  const resized = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    post({ method: "ui/notifications/size-changed", params: { height } });
  };

  return {
    /** Connects to the host; handlers: onInput(arguments), onResult(callToolResult), onContext(hostContext), onCancelled(reason). */
    async start({ name, onInput, onResult, onContext, onCancelled }) {
      if (onInput) listeners.input.push(onInput);
      if (onResult) listeners.result.push(onResult);
      if (onContext) listeners.context.push(onContext);
      if (onCancelled) listeners.cancelled.push(onCancelled);
      const result = await request("ui/initialize", {
        appInfo: { name, version: "1.0.0" },
        appCapabilities: { availableDisplayModes: ["inline"] },
        protocolVersion,
      });
      applyContext(result?.hostContext ?? {});
      post({ method: "ui/notifications/initialized", params: {} });
      new ResizeObserver(resized).observe(document.documentElement);
      resized();
    },
    /** Calls one of the server's tools through the host, which acts for its user; resolves to the CallToolResult. */
    callTool: (name, args) => request("tools/call", { name, arguments: args ?? {} }),
    /** The host's theme and display, as last told. */
    context: () => hostContext,
  };
})();

/** A tool result's structured content, or null for an error (read with errorOf). */
function structuredOf(result) {
  return result && !result.isError && result.structuredContent && typeof result.structuredContent === "object" ? result.structuredContent : null;
}

/** A tool result's error text, or null when it succeeded. */
function errorOf(result) {
  if (!result) return "No answer came back.";
  if (!result.isError) return null;
  const text = (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join(" ");
  return text || "The tool failed.";
}

/** Shows what went wrong in the view's alert line (its element with id "error"), or clears it. */
function showError(message) {
  const error = document.getElementById("error");
  error.textContent = message ?? "";
  error.hidden = !message;
}

/** An element with attributes and children: the views build their DOM with it, never from HTML strings. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A date as the viewer reads it, in their own time zone. */
function formatDue(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
