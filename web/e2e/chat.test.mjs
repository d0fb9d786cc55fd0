// The chat page on useChat, in Chromium, against all three tiers with a model (a local fake OpenAI endpoint): markdown
// while it streams and safe links, tool cards, approvals a person can judge, stop, retry, the keyboard, a phone.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, signUpOnChat, snapshot, step } from "./browser.mjs";
import { modelSettings, startFakeOpenAi } from "./fake-openai.mjs";
import { startStack } from "./stack.mjs";

let model;
let stack;
let browser;
let user;

const hasToolResult = (messages) => messages.at(-1)?.role === "tool";
const markdownAnswer = [
  "## Your plan",
  "",
  "- first **bold** item",
  "- second item",
  "",
  "| task | due |",
  "|---|---|",
  "| Report | Friday |",
  "",
  "```",
  "const answer = 42;",
  "```",
  "",
  "[a safe link](https://example.com/docs) and [a trap](javascript:alert(document.cookie)) and <b>raw html</b> <img src=x onerror=alert(1)>",
].join("\n");

before(async () => {
  model = await startFakeOpenAi();
  stack = await startStack({ env: modelSettings(model) });
  browser = await launchBrowser();
  user = await signUpOnChat(browser, stack.webUrl, "cleo");
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await model?.close();
});

const message = (page) => page.getByLabel("Message");

async function newChat(page) {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByTestId("suggestions").waitFor();
}

describe("the chat page", { timeout: 180_000 }, () => {
  test("the answer renders as markdown while it streams; raw HTML and javascript: links stay inert", async () => {
    const { page } = user;
    let alerted = false;
    page.on("dialog", async (dialog) => {
      alerted = true;
      await dialog.dismiss();
    });
    await step(page, "chat-markdown", async () => {
      await newChat(page);
      model.script = () => ({ chunks: markdownAnswer.match(/[\s\S]{1,12}/g), delayMs: 15 });
      await message(page).fill("Make me a plan");
      await message(page).press("Enter");
      const answer = page.getByTestId("assistant-text").last();
      await answer.getByRole("heading", { name: "Your plan" }).waitFor();
      await answer.getByRole("cell", { name: "Friday" }).waitFor();
      assert.equal(await answer.getByRole("listitem").count(), 2);
      assert.equal(await answer.locator("strong").innerText(), "bold");
      assert.match(await answer.locator("pre code").innerText(), /const answer = 42;/);
      await answer.getByRole("button", { name: "Copy" }).waitFor();

      const safe = answer.getByRole("link", { name: "a safe link" });
      assert.equal(await safe.getAttribute("href"), "https://example.com/docs");
      assert.equal(await safe.getAttribute("rel"), "noopener noreferrer");
      assert.equal(await safe.getAttribute("target"), "_blank");
      // The javascript: link is text, not a link; the HTML is shown as text, not rendered.
      assert.equal(await answer.getByRole("link", { name: "a trap" }).count(), 0);
      await answer.getByText("a trap").click();
      assert.equal(await answer.locator("b, img").count(), 0);
      // The answer's end may still be arriving: wait for it, shown as text.
      await answer.getByText("<b>raw html</b>").waitFor();
      assert.equal(alerted, false, "no script ran");
    });
    console.log(`Chat with markdown: ${await snapshot(page, "chat-markdown")}`);
  });

  test("a tool card is collapsed, shows the call and its result when opened", async () => {
    const { page } = user;
    await step(page, "chat-tool-card", async () => {
      await newChat(page);
      model.script = (messages) => (hasToolResult(messages) ? { text: "Added **Write report**." } : { toolCalls: [{ name: "add_task", arguments: { title: "Write report" } }] });
      await message(page).fill("Remember to write the report");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByTestId("assistant-text").last().getByText("Write report").waitFor();
      const card = page.getByTestId("tool-card").filter({ hasText: "add_task" }).last();
      assert.equal(await card.getAttribute("data-state"), "output-available");
      assert.equal(await card.evaluate((d) => d.open), false, "collapsed");
      await card.locator("summary").click();
      assert.match(await card.getByTestId("tool-output").innerText(), /Write report/);
    });
    console.log(`Chat with a tool card: ${await snapshot(page, "chat-tool-card")}`);
  });

  test("an approval says what will happen in the user's words, and after Approve shows the outcome with its buttons gone", async () => {
    const { page } = user;
    await step(page, "chat-approval", async () => {
      await newChat(page);
      const tasks = await page.evaluate(async (apiUrl) => {
        const { token } = await (await fetch("/api/auth/token")).json();
        const list = await (await fetch(`${apiUrl}/api/tasks`, { headers: { authorization: `Bearer ${token}` } })).json();
        return list.items;
      }, stack.apiUrl);
      const report = tasks.find((t) => t.title === "Write report");
      model.script = (messages) => (hasToolResult(messages) ? { text: "Deleted it." } : { toolCalls: [{ name: "delete_task", arguments: { id: report.id } }] });
      await message(page).fill("Delete the report task");
      await message(page).press("Enter");
      const card = page.getByTestId("tool-card").filter({ hasText: "delete_task" }).last();
      await card.getByTestId("approval-question").filter({ hasText: "Delete “Write report”?" }).waitFor();
      console.log(`Approval card: ${await snapshot(page, "chat-approval")}`);
      await card.getByRole("button", { name: "Approve" }).click();
      await page.getByTestId("assistant-text").last().getByText("Deleted it.").waitFor();
      await card.getByText("approved and done").waitFor();
      assert.equal(await card.getByRole("button", { name: /Approve|Deny/ }).count(), 0, "no live buttons after the answer");
    });
  });

  test("Deny leaves the task, and the card says denied", async () => {
    const { page } = user;
    await step(page, "chat-deny", async () => {
      await newChat(page);
      const created = await page.evaluate(async (apiUrl) => {
        const { token } = await (await fetch("/api/auth/token")).json();
        const response = await fetch(`${apiUrl}/api/tasks`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ title: "Keep me" }) });
        return response.json();
      }, stack.apiUrl);
      model.script = (messages) => (hasToolResult(messages) ? { text: "Kept it." } : { toolCalls: [{ name: "delete_task", arguments: { id: created.id } }] });
      await message(page).fill("Delete Keep me");
      await message(page).press("Enter");
      const card = page.getByTestId("tool-card").filter({ hasText: "delete_task" }).last();
      await card.getByText("Delete “Keep me”?").waitFor();
      await card.getByRole("button", { name: "Deny" }).click();
      await page.getByTestId("assistant-text").last().getByText("Kept it.").waitFor();
      await card.getByText("denied", { exact: true }).waitFor();
      assert.equal(await card.getByRole("button", { name: /Approve|Deny/ }).count(), 0);
    });
  });

  test("Stop ends the answer, which is kept as stopped, and the next message is answered at once; Shift+Enter is a new line", async () => {
    const { page } = user;
    await step(page, "chat-stop", async () => {
      await newChat(page);
      model.script = () => ({ chunks: Array.from({ length: 200 }, (_, i) => `word${i} `), delayMs: 50 });
      await message(page).fill("Tell me a long story");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText(/word3/).waitFor();
      await page.getByRole("button", { name: "Stop" }).click();
      await page.getByRole("button", { name: "Send" }).waitFor();

      model.script = () => ({ text: "Short answer." });
      await message(page).press("Shift+Enter");
      assert.equal(await message(page).inputValue(), "\n", "Shift+Enter adds a line");
      await message(page).fill("And now?");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText("Short answer.").waitFor();
      // Reloaded from the api: the stopped answer is stored as the assistant's, not as an error.
      await page.reload();
      await page.getByTestId("conversation-list").getByText("Tell me a long story").click();
      await page.getByTestId("assistant-text").first().getByText("Stopped.").waitFor();
      assert.equal(await page.getByTestId("messages").getByRole("alert").count(), 0, "not shown as an error");
    });
  });

  test("Escape stops the answer being written", async () => {
    const { page } = user;
    await step(page, "chat-escape", async () => {
      await newChat(page);
      model.script = () => ({ chunks: Array.from({ length: 200 }, (_, i) => `step${i} `), delayMs: 50 });
      await message(page).fill("Count slowly");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText(/step3/).waitFor();
      await message(page).press("Escape");
      await page.getByRole("button", { name: "Send" }).waitFor();
      const words = (await page.getByTestId("assistant-text").last().innerText()).split(/\s+/).length;
      assert.ok(words < 150, `stopped early (${words} words)`);
    });
  });

  test("New chat or another conversation while an answer is written leaves it to finish there; nothing of it follows", async () => {
    const { page } = user;
    await step(page, "chat-leave", async () => {
      await newChat(page);
      model.script = () => ({ text: "The answer to keep." });
      await message(page).fill("Something to open later");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText("The answer to keep.").waitFor();

      const slow = () => ({ chunks: Array.from({ length: 60 }, (_, i) => `line${i} `), delayMs: 50 });
      model.script = slow;
      await newChat(page);
      await message(page).fill("A long one, left for an empty page");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText(/line3/).waitFor();
      await page.getByRole("button", { name: "New chat" }).click();
      await page.getByTestId("suggestions").waitFor();
      await page.waitForTimeout(500);
      assert.equal(await page.getByTestId("messages").getByText(/line\d/).count(), 0, "the new chat stays empty");
      await page.getByRole("button", { name: "Send" }).waitFor();

      await message(page).fill("A long one, left for another conversation");
      await message(page).press("Enter");
      await page.getByTestId("assistant-text").last().getByText(/line3/).waitFor();
      await page.getByTestId("conversation-list").getByText("Something to open later").click();
      await page.getByTestId("assistant-text").last().getByText("The answer to keep.").waitFor();
      await page.waitForTimeout(500);
      assert.equal(await page.getByTestId("messages").getByText(/line\d/).count(), 0, "the opened conversation shows only its own");
      assert.equal(await page.getByTestId("user-message").count(), 1);

      // The answers left behind went on to their end: opened again, each is whole (followed live if still written).
      for (const title of ["A long one, left for an empty page", "A long one, left for another conversation"]) {
        await page.getByTestId("conversation-list").getByText(title).click();
        await page.getByTestId("assistant-text").last().getByText(/line59/).waitFor({ timeout: 15_000 });
        await page.getByRole("button", { name: "Send" }).waitFor();
        assert.equal(await page.getByTestId("messages").getByText("Stopped.").count(), 0, "not stopped");
      }
    });
  });

  test("a failed turn says so as a toast and can be retried", async () => {
    const { page } = user;
    await step(page, "chat-retry", async () => {
      await newChat(page);
      // 400: the OpenAI client retries a 5xx or a 429 by itself before the turn fails.
      model.script = () => ({ status: 400 });
      await message(page).fill("Are you there?");
      await message(page).press("Enter");
      await page.getByTestId("messages").getByRole("alert").waitFor();
      await page.locator("[data-sonner-toast]").first().waitFor();
      model.script = () => ({ text: "Yes, back now." });
      await page.getByRole("button", { name: "Retry" }).click();
      await page.getByTestId("assistant-text").last().getByText("Yes, back now.").waitFor();
      assert.equal(await page.getByRole("button", { name: "Retry" }).count(), 0);
    });
  });

  test("on a phone, in dark mode, the chat fits the screen", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", storageState: await user.context.storageState() });
    const page = await context.newPage();
    await step(page, "chat-phone", async () => {
      await page.goto(`${stack.webUrl}/chat`);
      await page.getByTestId("conversation-list").getByText("Make me a plan").click();
      await page.getByTestId("assistant-text").first().getByRole("heading", { name: "Your plan" }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no sideways scrolling (${overflow} px)`);
      console.log(`Chat on a phone, dark: ${await snapshot(page, "chat-phone-dark")}`);
    });
    await context.close();
  });
});
