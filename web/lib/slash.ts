import type { PromptInfo } from "./api";

/**
 * An entry of the chat's slash menu: one of the api's own commands (the chat without a model), an MCP prompt, or a
 * value for the prompt argument being typed (the server's completions).
 */
export interface SlashItem {
  kind: "command" | "prompt" | "value";
  name: string;
  description: string;
  /** What follows the name, e.g. `<title>` or `[focus]`. */
  usage: string;
  takesArguments: boolean;
  /** For a value: the whole input once it is picked. */
  input?: string;
}

/** A built-in command, as lib/domain.ts lists them. */
export interface SlashCommand {
  name: string;
  usage?: string;
  description: string;
}

/**
 * The menu for what is typed: while it is a slash and a name being typed (no space yet), the commands (only without a
 * model: with one, a slash message goes to the model) and the server's prompts whose names start with it.
 */
export function slashItems(input: string, commands: SlashCommand[], prompts: PromptInfo[]): SlashItem[] {
  const match = /^\/(\S*)$/.exec(input);
  if (!match) return [];
  const typed = match[1]!.toLowerCase();
  const items: SlashItem[] = [
    ...commands.map((c) => ({ kind: "command" as const, name: c.name, description: c.description, usage: c.usage ?? "", takesArguments: Boolean(c.usage) })),
    ...prompts.map((p) => ({
      kind: "prompt" as const,
      name: p.name,
      description: p.description ?? p.title ?? "",
      usage: p.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" "),
      takesArguments: p.arguments.length > 0,
    })),
  ];
  return items.filter((i) => i.name.toLowerCase().startsWith(typed));
}

/** `/name rest` for one of the server's prompts: `key=value` pairs fill those arguments, any other text the first. */
export function promptCall(message: string, prompts: PromptInfo[]): { name: string; args: Record<string, string> } | null {
  const match = /^\/(\S+)(?:\s+([\s\S]*))?$/.exec(message);
  const prompt = match && prompts.find((p) => p.name === match[1]);
  if (!prompt) return null;
  const rest = match[2]?.trim() ?? "";
  const args: Record<string, string> = {};
  const pairs = [...rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)];
  if (pairs.length > 0 && pairs.every(([, key]) => prompt.arguments.some((a) => a.name === key))) {
    for (const [, key, value] of pairs) args[key!] = value!.replace(/^"|"$/g, "");
  } else if (rest && prompt.arguments[0]) {
    args[prompt.arguments[0].name] = rest;
  }
  return { name: prompt.name, args };
}

/** The prompt argument being typed after `/name `: `key=value` for a named one, else the first, while it is one word. */
export interface ArgumentTyped {
  prompt: string;
  argument: string;
  value: string;
  /** The input up to the value, which a picked value completes. */
  before: string;
}

export function argumentTyped(input: string, prompts: PromptInfo[]): ArgumentTyped | null {
  const match = /^\/(\S+)\s+([\s\S]*)$/.exec(input);
  const prompt = match && prompts.find((p) => p.name === match[1]);
  if (!prompt || prompt.arguments.length === 0) return null;
  const rest = match[2]!;
  const named = /^((?:.*\s)?)(\w+)=(\S*)$/.exec(rest);
  if (named) {
    const argument = prompt.arguments.find((a) => a.name === named[2]);
    return argument ? { prompt: prompt.name, argument: argument.name, value: named[3]!, before: input.slice(0, input.length - named[3]!.length) } : null;
  }
  if (/\s/.test(rest)) return null;
  return { prompt: prompt.name, argument: prompt.arguments[0]!.name, value: rest, before: input.slice(0, input.length - rest.length) };
}

/** The server's values for the argument being typed, as menu entries (the one already typed in full left out). */
export function valueItems(typed: ArgumentTyped, values: string[]): SlashItem[] {
  return values
    .filter((v) => v !== typed.value)
    .map((v) => ({ kind: "value" as const, name: v, description: typed.argument, usage: "", takesArguments: false, input: typed.before + v }));
}
