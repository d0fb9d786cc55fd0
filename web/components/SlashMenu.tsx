"use client";

import type { SlashItem } from "@/lib/slash";

/**
 * The slash menu above the chat's input: commands and prompts while a name is typed, then the values the server
 * offers for the argument being typed. Click an entry, or keep typing (Enter sends what is typed).
 */
export function SlashMenu({ items, onPick }: { items: SlashItem[]; onPick: (item: SlashItem) => void }) {
  return (
    <ul
      role="listbox"
      aria-label="Commands and prompts"
      data-testid="slash-menu"
      className="absolute bottom-full left-3 right-3 mb-1 max-h-64 overflow-y-auto rounded-md border border-slate-200 bg-white p-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
    >
      {items.map((item) => (
        <li key={`${item.kind}:${item.name}`} role="option" aria-selected="false">
          <button
            type="button"
            onMouseDown={(e) => e.preventDefault() /* keep the input's focus */}
            onClick={() => onPick(item)}
            className="flex w-full items-baseline gap-2 rounded px-2 py-1.5 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            <span className="font-mono">{item.kind === "value" ? item.name : `/${item.name}`}</span>
            {item.usage && <span className="font-mono text-xs text-slate-500">{item.usage}</span>}
            <span className="flex-1 truncate text-xs text-slate-500">{item.description}</span>
            {item.kind === "prompt" && <span className="rounded bg-slate-100 px-1 text-[10px] uppercase text-slate-500 dark:bg-slate-800">prompt</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
