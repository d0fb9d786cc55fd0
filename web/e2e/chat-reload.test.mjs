// The chat as a person sees it, live and after a reload: for each kind of turn (answered, approved, denied, stopped,
// failed, interrupted by the api's death), the page once the turn is over and the same conversation reloaded from the
// api are compared card by card, and every button still visible after the reload is clicked; a page reloaded while
// the answer is written follows the rest of it, and its Stop works. All three tiers, a scripted OpenAI-compatible model;
// the api writes a turn's progress every 0.5 s and takes 3 s of silence for a dead replica.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, signUpOnChat, snapshot, step } from "./browser.mjs";
import { modelSettings, startFakeOpenAi } from "./fake-openai.mjs";
import { startStack } from "./stack.mjs";

let model;
let stack;
let browser;
let user;

before(async () => {
  model = await startFakeOpenAi();
  stack = await startStack({ env: { ...modelSettings(model), Chat__ProgressInterval: "00:00:00.500", Chat__ProgressStaleAfter: "00:00:03" } });
  browser = await launchBrowser();
  user = await signUpOnChat(browser, stack.webUrl, "rhea");
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await model?.close();
});

const message = (page) => page.getByLabel("Message");
const lastRole = (messages) => messages.at(-1)?.role;
const toolRounds = (messages) => messages.filter((m) => m.role === "tool").length;

/** Everything the conversation shows, in order: each message, and in an assistant's each text and card as a person reads it. */
function pageState(page) {
  return page.getByTestId("messages").evaluate((root) =>
    [...root.querySelectorAll('[data-testid="user-message"], [data-testid="assistant-message"], [role="alert"]')].map((el) => {
      if (el.dataset.testid === "user-message") return { user: el.innerText.trim() };
      if (el.getAttribute("role") === "alert") return { error: el.innerText.trim() };
      return {
        assistant: [...el.children].map((part) =>
          part.dataset.testid === "tool-view"
            ? { view: part.dataset.view }
            : part.dataset.testid === "tool-card"
            ? {
                card: part.querySelector("summary").innerText.trim(),
                state: part.dataset.state,
                question: part.querySelector('[data-testid="approval-question"]')?.textContent ?? null,
                answer: part.querySelector('[data-testid="approval-answer"]')?.textContent ?? null,
                buttons: [...part.querySelectorAll("button")].map((b) => b.textContent),
              }
            : { text: part.innerText.trim() },
        ),
      };
    }),
  );
}

/** The api's token for the signed-in page, and a task created through the api. */
async function createTask(page, title) {
  return page.evaluate(
    async ({ apiUrl, title }) => {
      const { token } = await (await fetch("/api/auth/token")).json();
      const response = await fetch(`${apiUrl}/api/tasks`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ title }) });
      return response.json();
    },
    { apiUrl: stack.apiUrl, title },
  );
}

async function newChat(page) {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByTestId("suggestions").waitFor();
}

async function send(page, text) {
  await message(page).fill(text);
  await message(page).press("Enter");
}

/** Waits until the turn is over: the Send button is back and the page shows what the api stored. */
async function settled(page) {
  await page.getByRole("button", { name: "Send" }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[role="status"]'));
  await page.waitForTimeout(600); // the page reads the stored conversation once a turn ends
}

/** The conversation reloaded: the whole page, then the conversation opened from the sidebar. */
async function reloaded(page, title) {
  await page.reload();
  await page.getByTestId("conversation-list").getByText(title).first().click();
  await page.getByTestId("user-message").first().waitFor();
  await page.waitForTimeout(300);
  return pageState(page);
}

describe("the chat, live and after a reload", { timeout: 240_000 }, () => {
  test("an answered turn with a tool call", async () => {
    const { page } = user;
    await step(page, "reload-answered", async () => {
      await newChat(page);
      await createTask(page, "Buy milk");
      model.script = (messages) => (lastRole(messages) === "tool" ? { text: "You have **one** task: Buy milk." } : { toolCalls: [{ name: "list_tasks", arguments: {} }] });
      await send(page, "What is on my list?");
      await page.getByTestId("assistant-text").last().getByText("one").waitFor();
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live, [
        { user: "What is on my list?" },
        {
          assistant: [
            { view: "ui://tasks/list" },
            { card: "list_tasks · done", state: "output-available", question: null, answer: null, buttons: [] },
            { text: "You have one task: Buy milk." },
          ],
        },
      ]);
      assert.deepEqual(await reloaded(page, "What is on my list?"), live);
    });
  });

  test("an approved deletion: one card per call, ending approved and done, named after the task, live and reloaded", async () => {
    const { page } = user;
    await step(page, "reload-approved", async () => {
      await newChat(page);
      const task = await createTask(page, "Water the plants");
      // Lists, then asks to delete, then answers in markdown once the deletion ran.
      model.script = (messages) =>
        toolRounds(messages) === 0
          ? { toolCalls: [{ name: "list_tasks", arguments: {} }] }
          : lastRole(messages) === "tool" && toolRounds(messages) === 1
            ? { toolCalls: [{ name: "delete_task", arguments: { id: task.id } }] }
            : { text: "Deleted **Water the plants**." };
      await send(page, "Delete my plants task");
      const card = page.getByTestId("tool-card").filter({ hasText: "delete_task" });
      await card.getByTestId("approval-question").filter({ hasText: "Delete “Water the plants”?" }).waitFor();
      await card.getByRole("button", { name: "Approve" }).click();
      await page.getByTestId("assistant-text").last().getByText("Deleted").waitFor();
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live, [
        { user: "Delete my plants task" },
        {
          assistant: [
            { view: "ui://tasks/list" },
            { card: "list_tasks · done", state: "output-available", question: null, answer: null, buttons: [] },
            { view: "ui://tasks/task" },
            { card: "delete_task · approved and done", state: "output-available", question: "Delete “Water the plants”?", answer: "You approved it.", buttons: [] },
            { text: "Deleted Water the plants." },
          ],
        },
      ]);
      console.log(`An approved deletion, live: ${await snapshot(page, "chat-approved-live")}`);
      // No empty bubble for the answer, no second set of cards, no buttons brought back to life.
      assert.deepEqual(await reloaded(page, "Delete my plants task"), live);
    });
  });

  test("a denied deletion: denied live and reloaded, and the task is still there", async () => {
    const { page } = user;
    await step(page, "reload-denied", async () => {
      await newChat(page);
      const task = await createTask(page, "Keep this one");
      model.script = (messages) => (lastRole(messages) === "tool" ? { text: "Kept it." } : { toolCalls: [{ name: "delete_task", arguments: { id: task.id } }] });
      await send(page, "Delete keep this one");
      const card = page.getByTestId("tool-card").filter({ hasText: "delete_task" });
      await card.getByText("Delete “Keep this one”?").waitFor();
      await card.getByRole("button", { name: "Deny" }).click();
      await page.getByTestId("assistant-text").last().getByText("Kept it.").waitFor();
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live, [
        { user: "Delete keep this one" },
        { assistant: [{ card: "delete_task · denied", state: "output-denied", question: "Delete “Keep this one”?", answer: "You denied it.", buttons: [] }, { text: "Kept it." }] },
      ]);
      assert.deepEqual(await reloaded(page, "Delete keep this one"), live);
    });
  });

  test("an approval left open survives a reload with its buttons, and answering it in a second tab leaves the first one's buttons refused with a message", async () => {
    const { page } = user;
    const second = await user.context.newPage();
    await step(page, "reload-open-approval", async () => {
      await newChat(page);
      const task = await createTask(page, "Answer once");
      model.script = (messages) => (lastRole(messages) === "tool" ? { text: "Done with it." } : { toolCalls: [{ name: "delete_task", arguments: { id: task.id } }] });
      await send(page, "Delete answer once");
      await page.getByTestId("tool-card").getByRole("button", { name: "Approve" }).waitFor();
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(await reloaded(page, "Delete answer once"), live, "still waiting, with its buttons");
      assert.deepEqual(live[1].assistant[0].buttons, ["Approve", "Deny"]);

      await second.goto(`${stack.webUrl}/chat`);
      await second.getByTestId("conversation-list").getByText("Delete answer once").first().click();
      await second.getByTestId("tool-card").getByRole("button", { name: "Approve" }).click();
      await second.getByTestId("assistant-text").last().getByText("Done with it.").waitFor();

      // The first tab still shows the buttons it loaded; pressing one is refused, said so, and the card shows the truth.
      await page.getByTestId("tool-card").getByRole("button", { name: "Deny" }).click();
      await page.locator("[data-sonner-toast]").filter({ hasText: "already answered" }).waitFor();
      await page.getByTestId("tool-card").getByText("approved and done").waitFor();
      assert.equal(await page.getByTestId("tool-card").getByRole("button").count(), 0);
      assert.deepEqual(await pageState(page), await pageState(second));
    });
    await second.close();
  });

  test("a stopped answer keeps what was written and the calls that ran, live and reloaded", async () => {
    const { page } = user;
    await step(page, "reload-stopped", async () => {
      await newChat(page);
      model.script = (messages) =>
        lastRole(messages) === "tool" ? { chunks: Array.from({ length: 200 }, (_, i) => `word${i} `), delayMs: 50 } : { toolCalls: [{ name: "list_tasks", arguments: {} }] };
      await send(page, "List and talk slowly");
      await page.getByTestId("assistant-text").last().getByText(/word3/).waitFor();
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      await settled(page);
      await page.getByTestId("assistant-text").last().getByText("Stopped.").waitFor();
      const live = await pageState(page);
      assert.deepEqual(live[1].assistant[0], { view: "ui://tasks/list" });
      assert.equal(live[1].assistant[1].card, "list_tasks · done");
      assert.match(live[1].assistant[2].text, /^word0 word1 word2 word3[\s\S]*Stopped\.$/);
      assert.deepEqual(await reloaded(page, "List and talk slowly"), live);
    });
  });

  test("a failed turn shows its error once, live and reloaded, and Retry answers", async () => {
    const { page } = user;
    await step(page, "reload-failed", async () => {
      await newChat(page);
      model.script = () => ({ status: 400 });
      await send(page, "Fail please");
      await page.getByTestId("messages").getByRole("alert").waitFor();
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live, [{ user: "Fail please" }, { error: "The assistant could not finish this answer: a service it needs failed. Try again in a moment." }]);
      assert.deepEqual(await reloaded(page, "Fail please"), live);
      model.script = () => ({ text: "Here now." });
      await page.getByRole("button", { name: "Retry" }).click();
      await page.getByTestId("assistant-text").last().getByText("Here now.").waitFor();
    });
  });

  test("a page reloaded while the answer is written follows the rest of it, and then reads as it was live", async () => {
    const { page } = user;
    await step(page, "reload-mid-answer", async () => {
      await newChat(page);
      model.script = () => ({ chunks: Array.from({ length: 60 }, (_, i) => `part${i} `), delayMs: 80 });
      await send(page, "Write while I reload");
      await page.getByTestId("assistant-text").last().getByText(/part5/).waitFor();
      assert.match(page.url(), /[?&]c=[0-9a-f-]{36}/, "the open conversation is in the address");
      await page.reload();
      // Back on the same conversation, the answer so far, then the rest as it is written; Stop offered meanwhile.
      await page.getByTestId("user-message").filter({ hasText: "Write while I reload" }).waitFor();
      await page.getByTestId("assistant-text").last().getByText(/part1\b/).waitFor();
      await page.getByRole("button", { name: "Stop", exact: true }).waitFor();
      await page.getByTestId("assistant-text").last().getByText(/part59/).waitFor({ timeout: 15_000 });
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live[0], { user: "Write while I reload" });
      assert.equal(live[1].assistant.length, 1);
      assert.match(live[1].assistant[0].text, /^part0 part1 [\s\S]* part59$/);
      assert.deepEqual(await reloaded(page, "Write while I reload"), live);
    });
  });

  test("Stop on a page reloaded while the answer is written stops it, kept as stopped", async () => {
    const { page } = user;
    await step(page, "reload-then-stop", async () => {
      await newChat(page);
      model.script = () => ({ chunks: Array.from({ length: 150 }, (_, i) => `bit${i} `), delayMs: 80 });
      await send(page, "Stop me after a reload");
      await page.getByTestId("assistant-text").last().getByText(/bit3/).waitFor();
      await page.reload();
      await page.getByTestId("assistant-text").last().getByText(/bit12/).waitFor();
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      await settled(page);
      await page.getByTestId("assistant-text").last().getByText("Stopped.").waitFor();
      const live = await pageState(page);
      assert.doesNotMatch(live[1].assistant[0].text, /bit149/);
      assert.deepEqual(await reloaded(page, "Stop me after a reload"), live);
    });
  });

  test("an answer whose api died says it was interrupted, live and reloaded, and Retry answers on the restarted api", async () => {
    const { page } = user;
    await step(page, "reload-interrupted", async () => {
      await newChat(page);
      model.script = () => ({ chunks: Array.from({ length: 150 }, (_, i) => `doomed${i} `), delayMs: 80 });
      await send(page, "Answer until the api dies");
      await page.getByTestId("assistant-text").last().getByText(/doomed5/).waitFor();
      await stack.kill("api");
      await page.locator("[data-sonner-toast]").first().waitFor();
      await stack.restart("api");
      // The page waits for the api to say what became of the answer: its replica went silent, so it was interrupted.
      await page.getByTestId("messages").getByRole("alert").filter({ hasText: "The previous answer was interrupted" }).waitFor({ timeout: 30_000 });
      await settled(page);
      const live = await pageState(page);
      assert.deepEqual(live, [{ user: "Answer until the api dies" }, { error: "The previous answer was interrupted: the server answering it stopped. Ask again if you still need it." }]);
      assert.deepEqual(await reloaded(page, "Answer until the api dies"), live);

      model.script = () => ({ text: "Back again." });
      await page.getByRole("button", { name: "Retry" }).click();
      await page.getByTestId("assistant-text").last().getByText("Back again.").waitFor();
      await settled(page);
      assert.deepEqual(await reloaded(page, "Answer until the api dies"), await pageState(page));
    });
  });
});
