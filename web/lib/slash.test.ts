import { describe, expect, it } from "vitest";
import type { PromptInfo } from "./api";
import { argumentTyped, promptCall, slashItems, valueItems } from "./slash";

const prompts: PromptInfo[] = [
  { name: "plan_my_day", title: "Plan my day", description: "Due and overdue tasks, by priority", arguments: [{ name: "focus", title: null, description: null, required: false }] },
  { name: "weekly_review", title: "Weekly review", description: null, arguments: [] },
  { name: "triage", title: null, description: null, arguments: [{ name: "priority", title: null, description: null, required: true }, { name: "limit", title: null, description: null, required: false }] },
];
const commands = [{ name: "help", description: "What the chat understands" }];

describe("the slash menu", () => {
  it("lists commands and prompts while a name is typed, and nothing after it", () => {
    expect(slashItems("/", commands, prompts).map((i) => i.name)).toEqual(["help", "plan_my_day", "weekly_review", "triage"]);
    expect(slashItems("/pl", commands, prompts).map((i) => i.name)).toEqual(["plan_my_day"]);
    expect(slashItems("/plan_my_day ", commands, prompts)).toEqual([]);
    expect(slashItems("plan", commands, prompts)).toEqual([]);
  });

  it("shows a prompt's arguments, required ones in angle brackets", () => {
    const triage = slashItems("/tri", [], prompts)[0]!;
    expect(triage).toMatchObject({ kind: "prompt", usage: "<priority> [limit]", takesArguments: true });
    expect(slashItems("/weekly", [], prompts)[0]).toMatchObject({ usage: "", takesArguments: false, description: "Weekly review" });
  });
});

describe("a prompt typed in the chat", () => {
  it("fills its first argument with the rest of the line", () => {
    expect(promptCall("/plan_my_day the garden", prompts)).toEqual({ name: "plan_my_day", args: { focus: "the garden" } });
    expect(promptCall("/weekly_review", prompts)).toEqual({ name: "weekly_review", args: {} });
  });

  it("takes key=value pairs for named arguments", () => {
    expect(promptCall('/triage priority=high limit="5"', prompts)).toEqual({ name: "triage", args: { priority: "high", limit: "5" } });
  });

  it("is not a prompt when the name is not one", () => {
    expect(promptCall("/list pending", prompts)).toBeNull();
    expect(promptCall("plan_my_day", prompts)).toBeNull();
  });
});

describe("an argument typed after a prompt's name", () => {
  it("is the first argument while it is one word, or a named one", () => {
    expect(argumentTyped("/triage h", prompts)).toEqual({ prompt: "triage", argument: "priority", value: "h", before: "/triage " });
    expect(argumentTyped("/triage ", prompts)).toEqual({ prompt: "triage", argument: "priority", value: "", before: "/triage " });
    expect(argumentTyped("/triage high limit=", prompts)).toEqual({ prompt: "triage", argument: "limit", value: "", before: "/triage high limit=" });
    expect(argumentTyped("/triage priority=lo", prompts)).toEqual({ prompt: "triage", argument: "priority", value: "lo", before: "/triage priority=" });
  });

  it("is nothing for free text, an unknown name or argument, or a prompt without arguments", () => {
    expect(argumentTyped("/plan_my_day the garden", prompts)).toBeNull();
    expect(argumentTyped("/triage colour=red", prompts)).toBeNull();
    expect(argumentTyped("/nope x", prompts)).toBeNull();
    expect(argumentTyped("/weekly_review x", prompts)).toBeNull();
    expect(argumentTyped("/triage", prompts)).toBeNull();
  });

  it("becomes menu entries that complete the input, without the value already typed in full", () => {
    const typed = argumentTyped("/triage h", prompts)!;
    expect(valueItems(typed, ["high", "h"])).toEqual([{ kind: "value", name: "high", description: "priority", usage: "", takesArguments: false, input: "/triage high" }]);
  });
});
