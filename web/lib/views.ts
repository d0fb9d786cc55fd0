// MCP Apps in the chat: what the page needs to frame a tool's view (lib/views.ts), kept apart from the component
// (components/ToolView.tsx) so it is tested without a browser.

/** The MIME type of a view (MCP Apps): HTML the host renders in a sandboxed frame. */
export const viewMimeType = "text/html;profile=mcp-app";

/**
 * The frame's sandbox: scripts, and nothing else. Without allow-same-origin the view runs on an opaque origin, so it
 * cannot read the page's cookies, storage or DOM; without allow-top-navigation it cannot navigate the page; without
 * allow-forms or allow-popups it cannot post forms or open windows.
 */
export const viewSandbox = "allow-scripts";

/** What a view may load beyond itself, as its resource declares it (`_meta.ui.csp`). */
export interface ViewCsp {
  connectDomains?: string[];
  resourceDomains?: string[];
}

/** The origins of a declared list a policy can name as they are: https (or loopback http) origins, nothing else. */
function origins(domains: unknown): string[] {
  if (!Array.isArray(domains)) return [];
  return domains.filter(
    (d): d is string => typeof d === "string" && /^(https:\/\/[a-z0-9.-]+|http:\/\/(localhost|127\.0\.0\.1))(:\d{1,5})?$/i.test(d),
  );
}

/**
 * The content security policy the frame runs under: its own inline script and style, and only the origins its
 * resource declares. Anything else in the list (a quote, a `;`, a path) is dropped, so a server cannot widen it.
 */
export function viewPolicy(csp: ViewCsp | undefined): string {
  const connect = origins(csp?.connectDomains);
  const resources = origins(csp?.resourceDomains);
  const list = (values: string[], fallback: string) => (values.length ? values.join(" ") : fallback);
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources.join(" ")}`.trim(),
    `style-src 'unsafe-inline' ${resources.join(" ")}`.trim(),
    `img-src data: ${resources.join(" ")}`.trim(),
    `font-src data: ${resources.join(" ")}`.trim(),
    `connect-src ${list(connect, "'none'")}`,
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The view's HTML with its policy as the first thing in it, before any script can run. */
export function viewDocument(html: string, csp: ViewCsp | undefined): string {
  const policy = `<meta http-equiv="Content-Security-Policy" content="${viewPolicy(csp)}">`;
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + policy + html.slice(head.index + head[0].length);
  return policy + html;
}

/** A tool call's result in MCP's shape (CallToolResult), as a view takes it. */
export interface ViewToolResult {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

/**
 * The result a view is handed for a call the chat shows: the chat keeps a call's structured output (stored with the
 * conversation), which is what the view reads, with its JSON as the text for views that read text.
 */
export function resultForView(output: unknown): ViewToolResult {
  const structured = typeof output === "object" && output !== null && !Array.isArray(output) ? (output as Record<string, unknown>) : undefined;
  return {
    content: [{ type: "text", text: typeof output === "string" ? output : JSON.stringify(output ?? null) }],
    ...(structured ? { structuredContent: structured } : {}),
  };
}

/** An error result for a view: what went wrong, in words it can show. */
export function errorForView(text: string): ViewToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
