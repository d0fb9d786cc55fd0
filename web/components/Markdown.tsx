"use client";

import { useRef, useState } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { safeUrl } from "@/lib/safe-url";

/**
 * The assistant's words as markdown, safe for what a model (or a prompt-injected task) writes: raw HTML is shown as
 * text, never rendered (react-markdown has no HTML without a rehype plugin); links only to http(s) and mailto, opened
 * in a new tab without the opener; anything else (javascript:, data:) becomes plain text.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown space-y-2 break-words text-sm [&_code]:rounded [&_code]:bg-slate-200 [&_code]:px-1 dark:[&_code]:bg-slate-700 [&_ol]:list-decimal [&_ol]:pl-5 [&_table]:border-collapse [&_td]:border [&_td]:border-slate-300 [&_td]:px-2 [&_th]:border [&_th]:border-slate-300 [&_th]:px-2 [&_ul]:list-disc [&_ul]:pl-5 [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-medium">
      <ReactMarkdown remarkPlugins={[remarkGfm]} urlTransform={safeUrl} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer" className="text-indigo-600 underline dark:text-indigo-400">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
};

function CodeBlock({ children }: { children: React.ReactNode }) {
  const [copied, setCopied] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  return (
    <div className="relative">
      <pre ref={pre} className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100 [&_code]:bg-transparent [&_code]:p-0">
        {children}
      </pre>
      <button
        type="button"
        className="absolute right-2 top-2 rounded bg-slate-700 px-2 py-0.5 text-xs text-white hover:bg-slate-600"
        onClick={async () => {
          await navigator.clipboard?.writeText(pre.current?.innerText ?? "");
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
