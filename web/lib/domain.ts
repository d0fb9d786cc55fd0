import type { ApiClient } from "./api";
import type { SlashCommand } from "./slash";

// The domain's own words and places in the web tier (the sample: tasks), kept here so the pages stay generic. A
// solution made with `dotnet new mcpstack --domain empty` has its own copy of this file; the Tasks page is the sample's.

export const appDescription = "Tasks and an AI assistant that manages them through MCP tools.";

/** Where a signed-in user lands. */
export const homePath = "/tasks";

export const chatIntro = "Ask the assistant to manage your tasks.";
export const chatPlaceholder = "Ask about your tasks…";
export const slashPlaceholder = "Try /add Buy milk";
/** Prompts offered on an empty conversation, with a model and without one (slash commands). */
export const chatSuggestions = ["What is on my list?", "Add “Call the dentist” for tomorrow", "Which tasks are overdue?"];
/** The api's own commands, for the slash menu of the chat without a model (src/McpStack.Api/Chat/SlashCommands.cs). */
export const slashCommands: SlashCommand[] = [
  { name: "add", usage: "<title>", description: "Add a task" },
  { name: "list", usage: "[pending|completed]", description: "List your tasks, numbered" },
  { name: "done", usage: "<n|id>", description: "Mark a task done" },
  { name: "delete", usage: "<n|id>", description: "Delete a task" },
  { name: "help", description: "What the chat understands" },
];
export const slashSuggestions = ["/list", "/add Buy milk", "/help"];

/** The question before a call that needs the user's approval, before anything is looked up. */
export function approvalFallback(tool: string): string {
  return tool === "delete_task" ? "Delete this task?" : `Run ${tool}?`;
}

/**
 * The question in the user's words: the task's title, not its id. Read from the call's result when it has one (a
 * deleted task is no longer there to look up: delete_task answers with its title), else through the api.
 */
export async function approvalQuestion(api: ApiClient, tool: string, input: unknown, output?: unknown): Promise<string> {
  const id = typeof input === "object" && input !== null && "id" in input ? String((input as { id: unknown }).id) : undefined;
  if (tool !== "delete_task" || !id) return approvalFallback(tool);
  const title = typeof output === "object" && output !== null && "title" in output ? String((output as { title: unknown }).title) : (await api.getTask(id)).title;
  return `Delete “${title}”?`;
}
