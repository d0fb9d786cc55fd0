import type { ApiClient } from "./api";
import type { SlashCommand } from "./slash";

// The domain's own words and places in the web tier, kept here so the pages stay generic: write your domain's here
// (the template's sample has a Tasks page, its prompts, and names the task a delete approval is about).

export const appDescription = "An AI assistant that acts for you through MCP tools.";

/** Where a signed-in user lands. */
export const homePath = "/chat";

export const chatIntro = "Ask the assistant.";
export const chatPlaceholder = "Ask the assistant…";
export const slashPlaceholder = "Try /help";
/** Prompts offered on an empty conversation, with a model and without one (slash commands). */
export const chatSuggestions = ["What can you do?"];
/** The api's own commands, for the slash menu of the chat without a model (src/McpStack.Api/Chat/SlashCommands.cs). */
export const slashCommands: SlashCommand[] = [{ name: "help", description: "What the chat understands" }];
export const slashSuggestions = ["/help"];

/** The question before a call that needs the user's approval, before anything is looked up. */
export function approvalFallback(tool: string): string {
  return `Run ${tool}?`;
}

/**
 * The question in the user's words: what the call is about (its title, not its id), from the call's result once it has
 * one (what it deleted is gone), else looked up through `api`.
 */
export async function approvalQuestion(_api: ApiClient, tool: string, _input: unknown, _output?: unknown): Promise<string> {
  return approvalFallback(tool);
}
